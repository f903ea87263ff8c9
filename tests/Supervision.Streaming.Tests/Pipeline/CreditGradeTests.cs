using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Pipeline;

public class CreditGradeTests
{
    private static List<GradeChange> Run(double score, IEnumerable<Report> reports)
    {
        var engine = new SupervisionEngine(new RuleOptions(), new FixedScorer(score));
        var grades = new List<GradeChange>();
        foreach (var report in reports)
        {
            engine.Process(new ReportBatch([report], report.ObservedAt), [], grades);
        }
        return grades;
    }

    private static IEnumerable<Report> Frozen(params double[] temperatures) =>
        temperatures.Select((t, m) => ColdChain(Start.AddMinutes(m), t));

    [Test]
    public void Process_FirstReport_GradesFromScore()
    {
        var change = Run(0.1, Frozen(-21)).Single();
        Assert.That(change.From, Is.Null);
        Assert.That(change.To, Is.EqualTo(CreditGrade.A));
        Assert.That(change.Score, Is.EqualTo(0.1));
        Assert.That(change.ModelVersion, Is.EqualTo("fixed@1"));
        Assert.That(change.At, Is.EqualTo(Start));
        Assert.That(change.EnterpriseId, Is.EqualTo(Enterprise.Value));
        Assert.That(change.Reasons[0], Is.EqualTo(new ExplanationItem("riskScore", 0.1, 0.2, null)));
    }

    [TestCase(0.25, CreditGrade.B)]
    [TestCase(0.45, CreditGrade.C)]
    [TestCase(0.6, CreditGrade.D)]
    public void Process_HigherScore_WorseGrade(double score, CreditGrade grade) =>
        Assert.That(Run(score, Frozen(-21)).Single().To, Is.EqualTo(grade));

    [Test]
    public void Process_SustainedExcursionAlert_DowngradesAToBWithTheAlertAsReason()
    {
        var grades = Run(0.1, Frozen([-21, .. Enumerable.Repeat(-12.0, 12)]));
        Assert.That(grades.Select(g => (g.From, g.To)), Is.EqualTo(new[] { ((CreditGrade?)null, CreditGrade.A), (CreditGrade.A, CreditGrade.B) }));
        Assert.That(grades[1].At, Is.EqualTo(Start.AddMinutes(11)), "the alert opens after 10 minutes over the limit, and the grade changes with it");
        Assert.That(grades[1].Reasons[0], Is.EqualTo(new ExplanationItem("alerts7d", 1, 1, null)));
    }

    [Test]
    public void Process_TrappedPassenger_CriticalAlertMakesC()
    {
        var reports = new[] { 0.0, 1 }.Select((v, m) => Elevator(Start.AddMinutes(m), v));
        var grades = Run(0.1, reports);
        Assert.That(grades[^1].To, Is.EqualTo(CreditGrade.C));
        Assert.That(grades[^1].Reasons[0], Is.EqualTo(new ExplanationItem("criticalAlerts7d", 1, 1, null)));
    }

    [Test]
    public void Process_SameGradeNextHour_NoEvent()
    {
        var grades = Run(0.1, [ColdChain(Start, -21), ColdChain(Start.AddHours(1), -21), ColdChain(Start.AddHours(2), -21)]);
        Assert.That(grades, Has.Count.EqualTo(1));
    }

    [Test]
    public void Process_AlertsOlderThanHistoryWindow_GradeRecovers()
    {
        var excursion = Frozen([-21, .. Enumerable.Repeat(-12.0, 12), -21]);
        var weekLater = ColdChain(Start.AddDays(8), -21);
        var grades = Run(0.1, [.. excursion, weekLater]);
        Assert.That(grades.Select(g => g.To), Is.EqualTo(new[] { CreditGrade.A, CreditGrade.B, CreditGrade.A }));
        Assert.That(grades[^1].Reasons[0], Is.EqualTo(new ExplanationItem("riskScore", 0.1, 0.2, null)));
    }

    [TestCase(0.1, 0, 0, CreditGrade.A)]
    [TestCase(0.1, 1, 0, CreditGrade.B)]
    [TestCase(0.1, 3, 0, CreditGrade.C)]
    [TestCase(0.1, 1, 1, CreditGrade.C)]
    [TestCase(0.1, 3, 3, CreditGrade.D)]
    [TestCase(0.5, 1, 0, CreditGrade.C)]
    [TestCase(0.9, 0, 0, CreditGrade.D)]
    public void Decide_ScoreAndAlerts_TakesTheWorseGrade(double score, int alerts, int critical, CreditGrade expected) =>
        Assert.That(new GradingOptions().Decide(score, alerts, critical).Grade, Is.EqualTo(expected));

    [Test]
    public void Pipeline_GradeChanges_AreObservable()
    {
        var scheduler = new HistoricalScheduler(Start);
        using var source = new Subject<ReportBatch>();
        using var pipeline = new SupervisionPipeline(source, new SupervisionEngine(new RuleOptions(), new FixedScorer(0.3)));
        var seen = new List<GradeChange>();
        using var subscription = pipeline.GradeChanges.Subscribe(seen.AddRange);
        pipeline.Start();
        source.OnNext(new ReportBatch([ColdChain(Start, -21)], scheduler.Now));
        Assert.That(seen.Select(g => (g.From, g.To)), Is.EqualTo(new[] { ((CreditGrade?)null, CreditGrade.B) }));
    }
}

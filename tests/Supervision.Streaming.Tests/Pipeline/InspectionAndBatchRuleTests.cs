using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Pipeline;

public class InspectionAndBatchRuleTests
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(Start.UtcDateTime);
    private SupervisionEngine _engine = null!;
    private List<Alert> _changes = null!;

    [SetUp]
    public void SetUp()
    {
        _engine = new SupervisionEngine(new RuleOptions(), new FixedScorer(0.42));
        _changes = [];
    }

    private void Feed(params Report[] reports) => ReadingStreams.Feed(_engine, _changes, reports);

    private static Report Inspection(DateTimeOffset at, DateOnly inspected, DateOnly due, InspectionResult result = InspectionResult.Pass) =>
        new($"I-{at:yyyyMMddHHmm}", Enterprise, Region, ReportKind.EquipmentInspection, at, new EquipmentInspection("E-01", EquipmentType.Elevator, inspected, result, due));

    private static Report DrugMovement(DateTimeOffset at, DateOnly expiry, Movement movement, string batch = "B001") =>
        new($"D-{at:yyyyMMddHHmm}", Enterprise, Region, ReportKind.DrugBatch, at, new DrugBatch("国药准字H20001234", batch, expiry, 40, movement));

    [Test]
    public void Inspection_Failed_AlertsUntilAPassingInspection()
    {
        Feed(Inspection(Start, Today.AddDays(-3), Today.AddYears(1), InspectionResult.Fail), Inspection(Start.AddDays(2), Today.AddDays(2), Today.AddYears(1)));
        Assert.That(_changes.Select(a => (a.RuleId, a.Status)), Is.EqualTo(new[]
        {
            (RuleIds.InspectionFailed, AlertStatus.Open), (RuleIds.InspectionFailed, AlertStatus.Resolved),
        }));
        Assert.That(_changes[0].Summary, Is.EqualTo($"elevator E-01 failed its periodic inspection on {Today.AddDays(-3):yyyy-MM-dd}"));
        Assert.That(_changes[0].Kind, Is.EqualTo("equipment.inspection"));
    }

    [Test]
    public void Inspection_DuePassesAsTelemetryMovesOn_OverdueAlertGrowsDailyAndBecomesCritical()
    {
        Feed(Inspection(Start, Today.AddYears(-1), Today.AddDays(1)));
        Assert.That(_changes, Is.Empty);
        // Telemetry every 6 h for 40 days: the inspection was due at the end of day 1, so day 2 is the first overdue day.
        Feed([.. Enumerable.Range(1, 160).Select(i => Elevator(Start.AddHours(6 * i), 0))]);
        Assert.That(_changes.Select(a => a.RuleId).Distinct(), Is.EqualTo(new[] { RuleIds.InspectionOverdue }));
        Assert.That(_changes.Select(a => a.AlertId).Distinct().Count(), Is.EqualTo(1), "one alert, updated");
        Assert.That(_changes, Has.Count.EqualTo(39), "once a day, 1 to 39 days overdue");
        Assert.That(_changes[0].FirstSeen, Is.EqualTo(Start.AddDays(2)));
        Assert.That(_changes[0].Summary, Is.EqualTo($"elevator E-01: periodic inspection overdue by 1 days (due {Today.AddDays(1):yyyy-MM-dd})"));
        Assert.That(_changes[0].Kind, Is.EqualTo("equipment.inspection"));
        Assert.That(_changes[29].Severity, Is.EqualTo(Severity.Warning), "30 days overdue");
        Assert.That(_changes[30].Severity, Is.EqualTo(Severity.Critical), "31 days overdue");

        var features = new float[RiskFeatures.Count];
        _engine.TryGetFeatures(Enterprise, Start.AddDays(12), features);
        Assert.That(features[RiskFeatures.InspectionOverdueDays], Is.EqualTo(10));

        // A new inspection moves the due date a year on: the overdue alert resolves and the feature drops to 0.
        Feed(Inspection(Start.AddDays(41), Today.AddDays(41), Today.AddDays(41).AddYears(1)));
        Assert.That(_changes[^1].Status, Is.EqualTo(AlertStatus.Resolved));
        _engine.TryGetFeatures(Enterprise, Start.AddDays(41), features);
        Assert.That(features[RiskFeatures.InspectionOverdueDays], Is.Zero);
    }

    [Test]
    public void Inspection_OlderReportArrivingLate_DoesNotMoveTheDueDate()
    {
        Feed(Inspection(Start, Today.AddDays(-10), Today.AddYears(1)), Inspection(Start.AddMinutes(1), Today.AddYears(-2), Today.AddYears(-1)));
        Feed(Elevator(Start.AddHours(2), 0));
        Assert.That(_changes, Is.Empty);
    }

    [Test]
    public void DrugBatch_ExpiredMovedOut_IsCritical_ButTakingItBackInIsNot()
    {
        Feed(DrugMovement(Start, Today.AddDays(-5), Movement.In, "B-IN"), DrugMovement(Start.AddMinutes(1), Today.AddDays(-5), Movement.Out), DrugMovement(Start.AddMinutes(2), Today.AddDays(90), Movement.Out, "B-OK"));
        // B-IN, taken in after its expiry and still in stock, is the expired-stock rule's business.
        var alert = _changes.Single(a => a.RuleId != RuleIds.DrugExpiredStock);
        Assert.That(alert.RuleId, Is.EqualTo(RuleIds.DrugBatchExpired));
        Assert.That(alert.Severity, Is.EqualTo(Severity.Critical));
        Assert.That(alert.Summary, Is.EqualTo($"drug batch B001 (国药准字H20001234) moved out 5 days after its expiry on {Today.AddDays(-5):yyyy-MM-dd}"));
        var features = new float[RiskFeatures.Count];
        _engine.TryGetFeatures(Enterprise, Start.AddMinutes(2), features);
        Assert.That(features[RiskFeatures.ExpiredBatches24h], Is.EqualTo(1));
    }

    [Test]
    public void FoodBatch_PastShelfLife_Alerts()
    {
        var fresh = new FoodBatch("SC10635010000001", "鲜牛奶", "P1", Today.AddDays(-3), 7, 100);
        var stale = fresh with { BatchNo = "P2", ProductionDate = Today.AddDays(-10) };
        Feed(new Report("F-1", Enterprise, Region, ReportKind.FoodBatch, Start, fresh), new Report("F-2", Enterprise, Region, ReportKind.FoodBatch, Start, stale));
        var alert = _changes.Single();
        Assert.That(alert.RuleId, Is.EqualTo(RuleIds.FoodBatchExpired));
        Assert.That(alert.Summary, Is.EqualTo($"food batch P2 of 鲜牛奶 still reported 3 days after its shelf life ended on {Today.AddDays(-3):yyyy-MM-dd}"));
    }
}

public class AcknowledgeTests
{
    [Test]
    public void Acknowledge_OpenAlert_StaysAcknowledgedThroughUpdatesUntilResolved()
    {
        var engine = new SupervisionEngine(new RuleOptions(), new FixedScorer(0.42));
        var changes = new List<Alert>();
        void Feed(int minute, double temperature) => ReadingStreams.Feed(engine, changes, ColdChain(Start.AddMinutes(minute), temperature));
        for (var m = 0; m <= 10; m++)
        {
            Feed(m, -12);
        }
        var id = changes.Single().AlertId;

        Assert.That(engine.Acknowledge("al-0000000000000000", changes), Is.Null, "unknown");
        var acknowledged = engine.Acknowledge(id, changes);
        Assert.That((acknowledged!.Status, changes.Count, changes[^1].Status), Is.EqualTo((AlertStatus.Acknowledged, 2, AlertStatus.Acknowledged)));
        Assert.That(engine.Acknowledge(id, changes)!.Status, Is.EqualTo(AlertStatus.Acknowledged));
        Assert.That(changes, Has.Count.EqualTo(2), "twice changes nothing");

        Feed(11, -12);
        Assert.That((changes[^1].Status, changes[^1].Count), Is.EqualTo((AlertStatus.Acknowledged, 2)), "updates keep the acknowledgement");
        Feed(12, -21);
        Assert.That(changes[^1].Status, Is.EqualTo(AlertStatus.Resolved));
        Assert.That(engine.Acknowledge(id, changes), Is.Null, "a resolved alert cannot be acknowledged");
    }
}

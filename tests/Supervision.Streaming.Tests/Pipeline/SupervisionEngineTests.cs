using System.Reactive.Concurrency;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Pipeline;

public class SupervisionEngineTests
{
    private HistoricalScheduler _scheduler = null!;
    private SupervisionEngine _engine = null!;
    private List<Alert> _changes = null!;

    [SetUp]
    public void SetUp()
    {
        _scheduler = new HistoricalScheduler(Start);
        _engine = new SupervisionEngine(new RuleOptions(), new FixedScorer(0.42));
        _changes = [];
    }

    private void Run(IObservable<ReportBatch> stream)
    {
        using var subscription = stream.DetectAlerts(_engine).Subscribe(_changes.AddRange);
        _scheduler.Start();
    }

    [Test]
    public void ColdChain_ShortBlip_DoesNotAlert()
    {
        Run(FrozenSeries(_scheduler, -21, -20, -12, -11, -12, -20, -21, -21));
        Assert.That(_changes, Is.Empty);
    }

    [Test]
    public void ColdChain_SustainedExcursion_AlertsOnceThenResolves()
    {
        // Over the limit from minute 2 to minute 16 inclusive: 14 minutes of event time.
        var temperatures = new[] { -21.0, -20 }.Concat(Enumerable.Repeat(-12.0, 15)).Concat([-20.0, -21]).ToArray();
        Run(FrozenSeries(_scheduler, temperatures));

        Assert.That(_changes.Select(a => a.AlertId).Distinct().Count(), Is.EqualTo(1));
        var first = _changes[0];
        Assert.That(first.Status, Is.EqualTo(AlertStatus.Open));
        Assert.That(first.FirstSeen, Is.EqualTo(Start.AddMinutes(2)));
        Assert.That(first.LastSeen, Is.EqualTo(Start.AddMinutes(12)), "opens once 10 minutes have passed");
        Assert.That(first.Count, Is.EqualTo(1));
        Assert.That(first.RuleId, Is.EqualTo(RuleIds.FrozenMax));
        Assert.That(first.Severity, Is.EqualTo(Severity.Warning));
        Assert.That(first.RiskScore, Is.EqualTo(0.42));
        Assert.That(first.ModelVersion, Is.EqualTo("fixed@1"));
        Assert.That(first.Summary, Is.EqualTo("frozen store F-17 at -12.0 °C, above -18 °C for 10 min"));
        Assert.That(first.Explanation[0], Is.EqualTo(new ExplanationItem("temperatureC", -12, -18, null)));

        var lastOpen = _changes[^2];
        Assert.That(lastOpen.Count, Is.EqualTo(5), "minutes 12..16 each extend the open alert");
        Assert.That(lastOpen.LastSeen, Is.EqualTo(Start.AddMinutes(16)));
        Assert.That(_changes[^1].Status, Is.EqualTo(AlertStatus.Resolved));
        Assert.That(_changes, Has.Count.EqualTo(6));
    }

    [Test]
    public void ColdChain_ExcursionOverAnHour_BecomesCritical()
    {
        Run(FrozenSeries(_scheduler, Enumerable.Repeat(-15.0, 62).ToArray()));
        Assert.That(_changes[0].Severity, Is.EqualTo(Severity.Warning));
        Assert.That(_changes[^1].Severity, Is.EqualTo(Severity.Critical));
    }

    [Test]
    public void ColdChain_ChilledBelowZero_AlertsWithLowerLimit()
    {
        var readings = Enumerable.Range(0, 11).Select(m => ((double)m, (Func<DateTimeOffset, Report>)(at => ColdChain(at, -2, FoodStorageClass.Chilled))));
        Run(AtMinutes(_scheduler, readings));
        var alert = _changes.Single();
        Assert.That(alert.RuleId, Is.EqualTo(RuleIds.ChilledRange));
        Assert.That(alert.Explanation[0].Limit, Is.EqualTo(0));
        Assert.That(alert.Summary, Does.Contain("below 0 °C"));
    }

    [Test]
    public void ColdChain_GapLongerThanTolerated_RestartsTheRun()
    {
        // Over the limit at minutes 0-5, silence, then again at 20-25: no 10-minute run was observed.
        var minutes = Enumerable.Range(0, 6).Concat(Enumerable.Range(20, 6));
        Run(AtMinutes(_scheduler, minutes.Select(m => ((double)m, (Func<DateTimeOffset, Report>)(at => ColdChain(at, -12))))));
        Assert.That(_changes, Is.Empty);
    }

    [Test]
    public void ColdChain_LateReading_DoesNotChangeState()
    {
        // A reading observed long ago arrives at minute 12, in range: it must not resolve the excursion.
        var readings = Enumerable.Range(0, 12).Select(m => ((double)m, (Func<DateTimeOffset, Report>)(at => ColdChain(at, -12))))
            .Append((12.5, at => ColdChain(at.AddMinutes(-30), -25)));
        Run(AtMinutes(_scheduler, readings));
        Assert.That(_changes.Select(a => a.Status), Is.EqualTo(new[] { AlertStatus.Open, AlertStatus.Open }));
    }

    [Test]
    public void Elevator_TrappedPassenger_IsCriticalAtOnceAndResolves()
    {
        var values = new[] { 0.0, 1, 1, 1, 0 };
        Run(AtMinutes(_scheduler, values.Select((v, m) => ((double)m, (Func<DateTimeOffset, Report>)(at => Elevator(at, v))))));
        Assert.That(_changes.Select(a => (a.Status, a.Count)), Is.EqualTo(new[]
        {
            (AlertStatus.Open, 1), (AlertStatus.Open, 2), (AlertStatus.Open, 3), (AlertStatus.Resolved, 3),
        }));
        Assert.That(_changes[0].Severity, Is.EqualTo(Severity.Critical));
        Assert.That(_changes[0].RuleId, Is.EqualTo(RuleIds.ElevatorTrapped));
        Assert.That(_changes[0].Key, Is.EqualTo("tsg.elevator.trapped|91350100M000100Y43|E-01"));
    }

    [Test]
    public void TryGetFeatures_AfterExcursion_CountsMinutesAndShare()
    {
        Run(FrozenSeries(_scheduler, -21, -12, -12, -12, -21));
        var features = new float[Scoring.Features.RiskFeatures.Count];
        Assert.That(_engine.TryGetFeatures(Enterprise, Start.AddMinutes(5), features), Is.True);
        Assert.That(features[Scoring.Features.RiskFeatures.Readings24h], Is.EqualTo(5));
        Assert.That(features[Scoring.Features.RiskFeatures.ExcursionMinutes24h], Is.EqualTo(3));
        Assert.That(features[Scoring.Features.RiskFeatures.OverLimitShare24h], Is.EqualTo(0.6f));
        Assert.That(features[Scoring.Features.RiskFeatures.MaxExcessC24h], Is.EqualTo(6));
    }
}

public class AnomalyAlertTests
{
    [Test]
    public void ColdChain_SpikeAfterCalmHour_OpensAnomalyAlertThenResolves()
    {
        var engine = new SupervisionEngine(new RuleOptions(), new FixedScorer(0.42));
        var changes = new List<Alert>();
        double[] pattern = [-21.0, -20.8, -21.2, -21.1, -20.9, -21.3, -20.7];
        for (var m = 0; m < 62; m++)
        {
            var temperature = m == 60 ? -5 : pattern[m % pattern.Length];
            engine.Process(new ReportBatch([ColdChain(Start.AddMinutes(m), temperature)], Start.AddMinutes(m)), changes);
        }
        Assert.That(changes.Select(a => (a.RuleId, a.Status)), Is.EqualTo(new[]
        {
            (RuleIds.ColdChainAnomaly, AlertStatus.Open), (RuleIds.ColdChainAnomaly, AlertStatus.Resolved),
        }), "a one-minute blip is no HACCP excursion, but it is an anomaly");
        var alert = changes[0];
        Assert.That(alert.Severity, Is.EqualTo(Severity.Warning));
        Assert.That(alert.FirstSeen, Is.EqualTo(Start.AddMinutes(60)));
        Assert.That(alert.Key, Is.EqualTo("anomaly.coldchain.temperature|91350100M000100Y43|F-17"));
        Assert.That(alert.Explanation[0], Is.EqualTo(new ExplanationItem("temperatureC", -5, null, null)));
        Assert.That(alert.Explanation[2].Feature, Is.EqualTo("anomalyScore"));
        Assert.That(alert.Explanation[2].Value, Is.GreaterThan(0.99));
        Assert.That(alert.Summary, Does.StartWith("frozen store F-17: temperatureC -5 is unusual: spike, a sensor fault (expected about -21"));
        Assert.That(alert.Explanation[3].Feature, Is.EqualTo("sigma"));
    }

    [Test]
    public void ColdChain_ProbeStuckOnOneValue_OneAlertNamingASensorFault()
    {
        var engine = new SupervisionEngine(new RuleOptions(), new FixedScorer(0.42));
        var changes = new List<Alert>();
        double[] pattern = [-21.0, -20.8, -21.2, -21.1, -20.9, -21.3, -20.7];
        for (var m = 0; m < 180; m++)
        {
            var temperature = m >= 120 ? -20.9 : pattern[m % pattern.Length];
            engine.Process(new ReportBatch([ColdChain(Start.AddMinutes(m), temperature)], Start.AddMinutes(m)), changes);
        }
        var opened = changes.Where(a => a.Status == AlertStatus.Open).ToList();
        Assert.That(opened, Has.Count.EqualTo(1));
        Assert.That(opened[0].Summary, Does.StartWith("frozen store F-17: temperatureC -20.9 is unusual: stuck, a sensor fault"));
    }

    [Test]
    public void Validate_BadAnomalyOption_NamesTheKey()
    {
        var rules = new RuleOptions();
        rules.Anomaly.TailMemory = 5;
        Assert.That(rules.Validate(), Is.EqualTo("Rules:Anomaly:TailMemory must be from 100 to 10000000 readings"));
    }
}

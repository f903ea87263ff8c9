using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Tests.Pipeline;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Rules.Anomaly.TemperatureAnomalyRule"/>.</summary>
public class TemperatureAnomalyRuleTests : RuleFixture
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
        double[] pattern = [-21.0, -20.8, -21.2, -21.1, -20.9, -21.3, -20.7];
        for (var m = 0; m < 180; m++)
        {
            var temperature = m >= 120 ? -20.9 : pattern[m % pattern.Length];
            Engine.Process(new ReportBatch([ColdChain(Start.AddMinutes(m), temperature)], Start.AddMinutes(m)), Changes);
        }
        var opened = Changes.Where(a => a.Status == AlertStatus.Open).ToList();
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

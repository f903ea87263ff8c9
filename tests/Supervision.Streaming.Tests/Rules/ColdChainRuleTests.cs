using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Tests.Pipeline;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Rules.Storage.ColdChainRule"/>: HACCP limits judged on the duration of an excursion.</summary>
public class ColdChainRuleTests : RuleFixture
{
    [Test]
    public void ColdChain_ShortBlip_DoesNotAlert()
    {
        Run(FrozenSeries(Scheduler, -21, -20, -12, -11, -12, -20, -21, -21));
        Assert.That(Changes, Is.Empty);
    }

    [Test]
    public void ColdChain_SustainedExcursion_AlertsOnceThenResolves()
    {
        // Over the limit from minute 2 to minute 16 inclusive: 14 minutes of event time.
        var temperatures = new[] { -21.0, -20 }.Concat(Enumerable.Repeat(-12.0, 15)).Concat([-20.0, -21]).ToArray();
        Run(FrozenSeries(Scheduler, temperatures));

        Assert.That(Changes.Select(a => a.AlertId).Distinct().Count(), Is.EqualTo(1));
        var first = Changes[0];
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

        var lastOpen = Changes[^2];
        Assert.That(lastOpen.Count, Is.EqualTo(5), "minutes 12..16 each extend the open alert");
        Assert.That(lastOpen.LastSeen, Is.EqualTo(Start.AddMinutes(16)));
        Assert.That(Changes[^1].Status, Is.EqualTo(AlertStatus.Resolved));
        Assert.That(Changes, Has.Count.EqualTo(6));
    }

    [Test]
    public void ColdChain_ExcursionOverAnHour_BecomesCritical()
    {
        Run(FrozenSeries(Scheduler, Enumerable.Repeat(-15.0, 62).ToArray()));
        Assert.That(Changes[0].Severity, Is.EqualTo(Severity.Warning));
        Assert.That(Changes[^1].Severity, Is.EqualTo(Severity.Critical));
    }

    [Test]
    public void ColdChain_ChilledBelowZero_AlertsWithLowerLimit()
    {
        var readings = Enumerable.Range(0, 11).Select(m => ((double)m, (Func<DateTimeOffset, Report>)(at => ColdChain(at, -2, FoodStorageClass.Chilled))));
        Run(AtMinutes(Scheduler, readings));
        var alert = Changes.Single();
        Assert.That(alert.RuleId, Is.EqualTo(RuleIds.ChilledRange));
        Assert.That(alert.Explanation[0].Limit, Is.EqualTo(0));
        Assert.That(alert.Summary, Does.Contain("below 0 °C"));
    }

    [Test]
    public void ColdChain_GapLongerThanTolerated_RestartsTheRun()
    {
        // Over the limit at minutes 0-5, silence, then again at 20-25: no 10-minute run was observed.
        var minutes = Enumerable.Range(0, 6).Concat(Enumerable.Range(20, 6));
        Run(AtMinutes(Scheduler, minutes.Select(m => ((double)m, (Func<DateTimeOffset, Report>)(at => ColdChain(at, -12))))));
        Assert.That(Changes, Is.Empty);
    }

    [Test]
    public void TryGetFeatures_AfterExcursion_CountsMinutesAndShare()
    {
        Run(FrozenSeries(Scheduler, -21, -12, -12, -12, -21));
        var features = new float[Scoring.Features.RiskFeatures.Count];
        Assert.That(Engine.TryGetFeatures(Enterprise, Start.AddMinutes(5), features), Is.True);
        Assert.That(features[Scoring.Features.RiskFeatures.Readings24h], Is.EqualTo(5));
        Assert.That(features[Scoring.Features.RiskFeatures.ExcursionMinutes24h], Is.EqualTo(3));
        Assert.That(features[Scoring.Features.RiskFeatures.OverLimitShare24h], Is.EqualTo(0.6f));
        Assert.That(features[Scoring.Features.RiskFeatures.MaxExcessC24h], Is.EqualTo(6));
    }
}

using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Tests.Pipeline;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Alerts.AlertBook"/>: the lifecycle every rule shares.</summary>
public class AlertBookTests : RuleFixture
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

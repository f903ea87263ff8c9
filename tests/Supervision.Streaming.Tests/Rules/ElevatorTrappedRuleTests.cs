using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Tests.Pipeline;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Rules.Equipment.ElevatorTrappedRule"/>.</summary>
public class ElevatorTrappedRuleTests : RuleFixture
{
    [Test]
    public void Elevator_TrappedPassenger_IsCriticalAtOnceAndResolves()
    {
        var values = new[] { 0.0, 1, 1, 1, 0 };
        Run(AtMinutes(Scheduler, values.Select((v, m) => ((double)m, (Func<DateTimeOffset, Report>)(at => Elevator(at, v))))));
        Assert.That(Changes.Select(a => (a.Status, a.Count)), Is.EqualTo(new[]
        {
            (AlertStatus.Open, 1), (AlertStatus.Open, 2), (AlertStatus.Open, 3), (AlertStatus.Resolved, 3),
        }));
        Assert.That(Changes[0].Severity, Is.EqualTo(Severity.Critical));
        Assert.That(Changes[0].RuleId, Is.EqualTo(RuleIds.ElevatorTrapped));
        Assert.That(Changes[0].Key, Is.EqualTo("tsg.elevator.trapped|91350100M000100Y43|E-01"));
    }
}

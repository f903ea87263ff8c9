using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Tests.Pipeline;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Rules.Inspections.InspectionResultRule"/>.</summary>
public class InspectionResultRuleTests : RuleFixture
{
    [Test]
    public void Inspection_Failed_AlertsUntilAPassingInspection()
    {
        Feed(Inspection(Start, Today.AddDays(-3), Today.AddYears(1), InspectionResult.Fail), Inspection(Start.AddDays(2), Today.AddDays(2), Today.AddYears(1)));
        Assert.That(Changes.Select(a => (a.RuleId, a.Status)), Is.EqualTo(new[]
        {
            (RuleIds.InspectionFailed, AlertStatus.Open), (RuleIds.InspectionFailed, AlertStatus.Resolved),
        }));
        Assert.That(Changes[0].Summary, Is.EqualTo($"elevator E-01 failed its periodic inspection on {Today.AddDays(-3):yyyy-MM-dd}"));
        Assert.That(Changes[0].Kind, Is.EqualTo("equipment.inspection"));
    }
}

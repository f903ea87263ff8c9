using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Tests.Pipeline;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Rules.Batches.FoodBatchRule"/>.</summary>
public class FoodBatchRuleTests : RuleFixture
{
    [Test]
    public void FoodBatch_PastShelfLife_Alerts()
    {
        var fresh = new FoodBatch("SC10635010000001", "鲜牛奶", "P1", Today.AddDays(-3), 7, 100);
        var stale = fresh with { BatchNo = "P2", ProductionDate = Today.AddDays(-10) };
        Feed(new Report("F-1", Enterprise, Region, ReportKind.FoodBatch, Start, fresh), new Report("F-2", Enterprise, Region, ReportKind.FoodBatch, Start, stale));
        var alert = Changes.Single();
        Assert.That(alert.RuleId, Is.EqualTo(RuleIds.FoodBatchExpired));
        Assert.That(alert.Summary, Is.EqualTo($"food batch P2 of 鲜牛奶 still reported 3 days after its shelf life ended on {Today.AddDays(-3):yyyy-MM-dd}"));
    }
}

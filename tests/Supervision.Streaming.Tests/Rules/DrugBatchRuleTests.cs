using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Tests.Pipeline;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Rules.Batches.DrugBatchRule"/>: expired movements and expired stock.</summary>
public class DrugBatchRuleTests : RuleFixture
{
    [Test]
    public void DrugBatch_ExpiredMovedOut_IsCritical_ButTakingItBackInIsNot()
    {
        Feed(DrugMovement(Start, Today.AddDays(-5), Movement.In, "B-IN"), DrugMovement(Start.AddMinutes(1), Today.AddDays(-5), Movement.Out), DrugMovement(Start.AddMinutes(2), Today.AddDays(90), Movement.Out, "B-OK"));
        // B-IN, taken in after its expiry and still in stock, is the expired-stock rule's business.
        var alert = Changes.Single(a => a.RuleId != RuleIds.DrugExpiredStock);
        Assert.That(alert.RuleId, Is.EqualTo(RuleIds.DrugBatchExpired));
        Assert.That(alert.Severity, Is.EqualTo(Severity.Critical));
        Assert.That(alert.Summary, Is.EqualTo($"drug batch B001 (国药准字H20001234) moved out 5 days after its expiry on {Today.AddDays(-5):yyyy-MM-dd}"));
        var features = new float[RiskFeatures.Count];
        Engine.TryGetFeatures(Enterprise, Start.AddMinutes(2), features);
        Assert.That(features[RiskFeatures.ExpiredBatches24h], Is.EqualTo(1));
    }
}

/// <summary><see cref="Streaming.Rules.Batches.DrugBatchRule"/> on ticks: stock that expires while nobody reports.</summary>
public class DrugBatchRuleStockTests : RuleFixture
{
    [Test]
    public void Advance_BatchInStockPassesItsExpiry_WarnsUntilMovedOut()
    {
        Feed(DrugMovement(Start, Today.AddDays(2), Movement.In, "B-1"));
        Engine.Advance(Start.AddDays(2).AddHours(12), Changes);
        Assert.That(Changes, Is.Empty, "the expiry day itself is still good");
        Engine.Advance(Start.AddDays(3).AddHours(1), Changes);
        var alert = Changes.Single();
        Assert.That((alert.RuleId, alert.Severity), Is.EqualTo((RuleIds.DrugExpiredStock, Severity.Warning)));
        Assert.That(alert.Summary, Is.EqualTo($"drug batch B-1 (国药准字H20001234) expired on {Today.AddDays(2):yyyy-MM-dd} with 40 still in stock"));
        Assert.That(alert.FirstSeen, Is.EqualTo(new DateTimeOffset(Today.AddDays(3).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)));

        Feed(DrugMovement(Start.AddDays(4), Today.AddDays(2), Movement.Out, "B-1"));
        Assert.That(Changes.Select(a => (a.RuleId, a.Status)), Is.EqualTo(new[]
        {
            (RuleIds.DrugExpiredStock, AlertStatus.Open), (RuleIds.DrugExpiredStock, AlertStatus.Resolved), (RuleIds.DrugBatchExpired, AlertStatus.Open),
        }), "moving expired stock out ends the stock warning and is itself the critical violation");
    }

    [Test]
    public void Advance_BatchAllMovedOutBeforeExpiry_NoWarning()
    {
        Feed(DrugMovement(Start, Today.AddDays(2), Movement.In, "B-1"), DrugMovement(Start.AddHours(1), Today.AddDays(2), Movement.Out, "B-1"));
        Engine.Advance(Start.AddDays(5), Changes);
        Assert.That(Changes, Is.Empty);
    }
}

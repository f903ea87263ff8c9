using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Rules;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Rules.Batches.RecalledBatchRule"/>: the recall list as data.</summary>
public class RecalledBatchRuleTests : RuleFixture
{
    protected override RuleSet Rules => RuleSets.With(recalls:
        $"drug,国药准字H20001234,B001,{Today:yyyy-MM-dd},溶出度不合格\nfood,SC10635010000001,P9,{Today:yyyy-MM-dd},检出沙门氏菌\n");

    [Test]
    public void Apply_RecalledDrugBatchMovedAfterTheRecall_IsCriticalAndCountsEachMovement()
    {
        Feed(DrugMovement(Start.AddDays(-1), Today.AddYears(1), Movement.In), DrugMovement(Start.AddHours(2), Today.AddYears(1), Movement.Out), DrugMovement(Start.AddHours(3), Today.AddYears(1), Movement.In));
        Assert.That(Changes.Select(a => (a.RuleId, a.Severity, a.Count)), Is.EqualTo(new[]
        {
            (RuleIds.RecalledBatchMoved, Severity.Critical, 1), (RuleIds.RecalledBatchMoved, Severity.Critical, 2),
        }), "the movement the day before the recall was lawful");
        Assert.That(Changes[0].Summary, Is.EqualTo($"drug batch B001 (国药准字H20001234) moved out after its recall on {Today:yyyy-MM-dd}: 溶出度不合格"));
    }

    [Test]
    public void Apply_RecalledFoodBatchReported_IsCritical()
    {
        var batch = new FoodBatch("SC10635010000001", "鲜牛奶", "P9", Today, 7, 100);
        Feed(new Report("F-1", Enterprise, Region, ReportKind.FoodBatch, Start, batch), new Report("F-2", Enterprise, Region, ReportKind.FoodBatch, Start, batch with { BatchNo = "P8" }));
        var alert = Changes.Single();
        Assert.That((alert.RuleId, alert.Kind), Is.EqualTo((RuleIds.RecalledBatchMoved, "food.batch")));
        Assert.That(alert.Summary, Is.EqualTo($"food batch P9 of 鲜牛奶 (SC10635010000001) reported after its recall on {Today:yyyy-MM-dd}: 检出沙门氏菌"));
    }

    [TestCase("kind,licenceNo,batchNo,recalledOn,reason\nmeat,X,1,2026-01-01,r\n", "line 2: kind 'meat' must be 'drug' or 'food'")]
    [TestCase("kind,licenceNo,batchNo,recalledOn,reason\ndrug,X,1,01/01/2026,r\n", "line 2: recalledOn '01/01/2026' is not a date (yyyy-MM-dd)")]
    [TestCase("kind,licenceNo,batchNo,recalledOn,reason\ndrug,X,1,2026-01-01,r\ndrug,X,1,2026-02-01,r\n", "line 3: batch 1 of X is listed twice")]
    public void Load_BadRecallList_NamesKeyFileAndLine(string text, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), "recalls-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, text);
        var error = Assert.Throws<Streaming.Rules.Data.RuleDataException>(() => RuleSet.Load(new RuleOptions { RecallListFile = path }));
        Assert.That(error!.Message, Is.EqualTo($"Rules:RecallListFile: {path} {expected}"));
    }
}

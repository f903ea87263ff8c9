using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Tests.Pipeline;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Rules.Samples.ResidueLimitRule"/>: GB 2763 limits.</summary>
public class ResidueLimitRuleTests : RuleFixture
{
    [Test]
    public void Residue_OverTheSubgroupLimit_AlertsAtOnceAndACompliantSampleResolves()
    {
        // 菠菜 (spinach) has no limit of its own for 毒死蜱: its subgroup 叶菜类 (leafy vegetables) sets 0.02 mg/kg.
        Feed(Residue(0, "菠菜", "毒死蜱", 0.01), Residue(1, "菠菜", "毒死蜱", 0.05), Residue(2, "菠菜", "毒死蜱", 0.06), Residue(3, "菠菜", "毒死蜱", 0));
        Assert.That(Changes.Select(a => (a.Status, a.Count)), Is.EqualTo(new[] { (AlertStatus.Open, 1), (AlertStatus.Open, 2), (AlertStatus.Resolved, 2) }));
        var alert = Changes[0];
        Assert.That(alert.RuleId, Is.EqualTo(RuleIds.ResidueOverLimit));
        Assert.That(alert.Severity, Is.EqualTo(Severity.Warning));
        Assert.That(alert.Key, Is.EqualTo("gb2763.residue.mrl|91350100M000100Y43|菠菜/毒死蜱"));
        Assert.That(alert.Summary, Is.EqualTo("菠菜: 毒死蜱 at 0.05 mg/kg, over the limit of 0.02 mg/kg for 叶菜类 (GB 2763 sample table)"));
        Assert.That(alert.Explanation[0], Is.EqualTo(new ExplanationItem("valueMgKg", 0.05, 0.02, null)));
        Assert.That(alert.Explanation[1], Is.EqualTo(new ExplanationItem("timesLimit", 2.5, 1, null)));
    }

    [Test]
    public void Residue_FiveTimesTheLimit_IsCritical()
    {
        Feed(Residue(0, "苹果", "多菌灵", 15));
        Assert.That(Changes.Single().Severity, Is.EqualTo(Severity.Critical));
    }

    [Test]
    public void Residue_PairWithoutALimit_IsNotJudged()
    {
        Feed(Residue(0, "榴莲", "毒死蜱", 9), Residue(1, "菠菜", "不存在的农药", 9));
        Assert.That(Changes, Is.Empty);
        var features = new float[RiskFeatures.Count];
        Engine.TryGetFeatures(Enterprise, Start.AddMinutes(1), features);
        Assert.That(features[RiskFeatures.FailedSamplings24h], Is.Zero);
        Assert.That(features[RiskFeatures.Readings24h], Is.EqualTo(2));
    }
}

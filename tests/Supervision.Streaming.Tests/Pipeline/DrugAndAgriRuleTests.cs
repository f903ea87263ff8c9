using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Pipeline;

public class DrugAndAgriRuleTests
{
    private SupervisionEngine _engine = null!;
    private List<Alert> _changes = null!;

    [SetUp]
    public void SetUp()
    {
        _engine = new SupervisionEngine(new RuleOptions(), new FixedScorer(0.42));
        _changes = [];
    }

    private void Feed(params Report[] reports) => ReadingStreams.Feed(_engine, _changes, reports);

    private static Report DrugStore(int minute, double temperature, DrugStorageClass storage = DrugStorageClass.Cold) =>
        new($"W-{minute}", Enterprise, Region, ReportKind.DrugStorage, Start.AddMinutes(minute), new DrugStorageReading("W-01", storage, temperature));

    private static Report Residue(int minute, string commodity, string pesticide, double value) =>
        new($"R-{minute}", Enterprise, Region, ReportKind.AgriResidue, Start.AddMinutes(minute), new AgriResidue(commodity, pesticide, value));

    [Test]
    public void DrugStorage_ColdStoreTooWarmForTenMinutes_AlertsWithClassLimitThenResolves()
    {
        Feed([.. Enumerable.Range(0, 12).Select(m => DrugStore(m, 13.5)), DrugStore(12, 6)]);
        Assert.That(_changes.Select(a => a.Status), Is.EqualTo(new[] { AlertStatus.Open, AlertStatus.Open, AlertStatus.Resolved }));
        var alert = _changes[0];
        Assert.That(alert.RuleId, Is.EqualTo(RuleIds.DrugStorageCold));
        Assert.That(alert.Sector, Is.EqualTo(Sector.Drug));
        Assert.That(alert.Kind, Is.EqualTo("drug.storage"));
        Assert.That(alert.Summary, Is.EqualTo("cold drug store W-01 at 13.5 °C, above 10 °C for 10 min"));
        Assert.That(alert.Explanation[0], Is.EqualTo(new ExplanationItem("temperatureC", 13.5, 10, null)));
    }

    [TestCase(DrugStorageClass.Cold, 0.5, RuleIds.DrugStorageCold, "below 2 °C")]
    [TestCase(DrugStorageClass.Cool, 24, RuleIds.DrugStorageCool, "above 20 °C")]
    [TestCase(DrugStorageClass.Normal, 8, RuleIds.DrugStorageNormal, "below 10 °C")]
    [TestCase(DrugStorageClass.Normal, 33, RuleIds.DrugStorageNormal, "above 30 °C")]
    public void DrugStorage_EachClass_JudgedAgainstItsPharmacopoeiaRange(DrugStorageClass storage, double temperature, string rule, string words)
    {
        Feed([.. Enumerable.Range(0, 11).Select(m => DrugStore(m, temperature, storage))]);
        Assert.That(_changes.Single().RuleId, Is.EqualTo(rule));
        Assert.That(_changes.Single().Summary, Does.Contain(words));
    }

    [TestCase(DrugStorageClass.Cool, 3)]
    [TestCase(DrugStorageClass.Normal, 29.9)]
    [TestCase(DrugStorageClass.Cold, 2)]
    public void DrugStorage_InsideTheRange_NeverAlerts(DrugStorageClass storage, double temperature)
    {
        Feed([.. Enumerable.Range(0, 30).Select(m => DrugStore(m, temperature, storage))]);
        Assert.That(_changes, Is.Empty);
    }

    [Test]
    public void Residue_OverTheSubgroupLimit_AlertsAtOnceAndACompliantSampleResolves()
    {
        // 菠菜 (spinach) has no limit of its own for 毒死蜱: its subgroup 叶菜类 (leafy vegetables) sets 0.02 mg/kg.
        Feed(Residue(0, "菠菜", "毒死蜱", 0.01), Residue(1, "菠菜", "毒死蜱", 0.05), Residue(2, "菠菜", "毒死蜱", 0.06), Residue(3, "菠菜", "毒死蜱", 0));
        Assert.That(_changes.Select(a => (a.Status, a.Count)), Is.EqualTo(new[] { (AlertStatus.Open, 1), (AlertStatus.Open, 2), (AlertStatus.Resolved, 2) }));
        var alert = _changes[0];
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
        Assert.That(_changes.Single().Severity, Is.EqualTo(Severity.Critical));
    }

    [Test]
    public void Residue_PairWithoutALimit_IsNotJudged()
    {
        Feed(Residue(0, "榴莲", "毒死蜱", 9), Residue(1, "菠菜", "不存在的农药", 9));
        Assert.That(_changes, Is.Empty);
        var features = new float[RiskFeatures.Count];
        _engine.TryGetFeatures(Enterprise, Start.AddMinutes(1), features);
        Assert.That(features[RiskFeatures.FailedSamplings24h], Is.Zero);
        Assert.That(features[RiskFeatures.Readings24h], Is.EqualTo(2));
    }

    [Test]
    public void FoodSampling_OverTheLimitInTheReport_Alerts()
    {
        var at = Start;
        Feed(new Report("S-1", Enterprise, Region, ReportKind.FoodSampling, at, new FoodSampling("酸奶", "菌落总数", 2.5e5, 1e5, "CFU/g")));
        var alert = _changes.Single();
        Assert.That(alert.RuleId, Is.EqualTo(RuleIds.SamplingOverLimit));
        Assert.That(alert.Summary, Is.EqualTo("sample of 酸奶: 菌落总数 at 250000 CFU/g, over the limit of 100000 CFU/g"));
    }

    [Test]
    public void Features_CountAdverseEventsAndFailedSamplings()
    {
        Feed(
            new Report("AE-1", Enterprise, Region, ReportKind.DrugAdverseEvent, Start, new DrugAdverseEvent("布洛芬缓释胶囊", "皮疹", false)),
            new Report("AE-2", Enterprise, Region, ReportKind.DrugAdverseEvent, Start.AddMinutes(1), new DrugAdverseEvent("布洛芬缓释胶囊", "过敏性休克", true)),
            Residue(2, "韭菜", "腐霉利", 0.5),
            Residue(3, "韭菜", "腐霉利", 0.1));
        var features = new float[RiskFeatures.Count];
        Assert.That(_engine.TryGetFeatures(Enterprise, Start.AddMinutes(3), features), Is.True);
        Assert.That(features[RiskFeatures.AdverseEvents24h], Is.EqualTo(3), "a serious reaction counts twice");
        Assert.That(features[RiskFeatures.FailedSamplings24h], Is.EqualTo(1));
        Assert.That(features[RiskFeatures.Readings24h], Is.EqualTo(4));
        Assert.That(features[RiskFeatures.OverLimitShare24h], Is.EqualTo(0.25f));
        Assert.That(_engine.TryGetFeatures(Enterprise, Start.AddHours(25), features), Is.True);
        Assert.That(features[RiskFeatures.AdverseEvents24h] + features[RiskFeatures.FailedSamplings24h], Is.Zero, "a day later the window is empty");
    }
}

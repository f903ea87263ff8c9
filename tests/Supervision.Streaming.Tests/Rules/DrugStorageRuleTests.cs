using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Tests.Pipeline;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Rules.Storage.DrugStorageRule"/>: the Chinese Pharmacopoeia storage classes.</summary>
public class DrugStorageRuleTests : RuleFixture
{
    [Test]
    public void DrugStorage_ColdStoreTooWarmForTenMinutes_AlertsWithClassLimitThenResolves()
    {
        Feed([.. Enumerable.Range(0, 12).Select(m => DrugStore(m, 13.5)), DrugStore(12, 6)]);
        Assert.That(Changes.Select(a => a.Status), Is.EqualTo(new[] { AlertStatus.Open, AlertStatus.Open, AlertStatus.Resolved }));
        var alert = Changes[0];
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
        Assert.That(Changes.Single().RuleId, Is.EqualTo(rule));
        Assert.That(Changes.Single().Summary, Does.Contain(words));
    }

    [TestCase(DrugStorageClass.Cool, 3)]
    [TestCase(DrugStorageClass.Normal, 29.9)]
    [TestCase(DrugStorageClass.Cold, 2)]
    public void DrugStorage_InsideTheRange_NeverAlerts(DrugStorageClass storage, double temperature)
    {
        Feed([.. Enumerable.Range(0, 30).Select(m => DrugStore(m, temperature, storage))]);
        Assert.That(Changes, Is.Empty);
    }
}

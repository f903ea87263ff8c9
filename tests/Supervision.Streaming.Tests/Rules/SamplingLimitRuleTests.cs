using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Tests.Pipeline;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Rules.Samples.SamplingLimitRule"/>.</summary>
public class SamplingLimitRuleTests : RuleFixture
{
    [Test]
    public void FoodSampling_OverTheLimitInTheReport_Alerts()
    {
        var at = Start;
        Feed(new Report("S-1", Enterprise, Region, ReportKind.FoodSampling, at, new FoodSampling("酸奶", "菌落总数", 2.5e5, 1e5, "CFU/g")));
        var alert = Changes.Single();
        Assert.That(alert.RuleId, Is.EqualTo(RuleIds.SamplingOverLimit));
        Assert.That(alert.Summary, Is.EqualTo("sample of 酸奶: 菌落总数 at 250000 CFU/g, over the limit of 100000 CFU/g"));
    }
}

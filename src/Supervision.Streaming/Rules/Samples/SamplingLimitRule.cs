using System.Globalization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;

namespace Supervision.Streaming.Rules.Samples;

/// <summary>Food samples over the limit they carry (<c>food.sampling.limit</c>); critical at <see cref="RuleOptions.CriticalSampleFactor"/> times it.</summary>
public sealed class SamplingLimitRule : JudgedSamples
{
    public override string Name => "sampling-limit";

    public override IReadOnlyList<string> Ids => [RuleIds.SamplingOverLimit];

    protected override ReportKind Kind => ReportKind.FoodSampling;

    public override void Apply(in Report report, in ReportContext context)
    {
        var sampling = (FoodSampling)report.Payload;
        var engine = context.Engine;
        var over = sampling.Value > sampling.Limit;
        engine.Window.AddSampling(context.Enterprise, report.ObservedAt.UtcTicks / TimeSpan.TicksPerHour, over);
        if (!over)
        {
            Pass(in context);
            return;
        }
        var subject = string.Concat(sampling.Product, "/", sampling.TestItem);
        var summary = string.Create(CultureInfo.InvariantCulture, $"sample of {sampling.Product}: {sampling.TestItem} at {sampling.Value:0.###} {sampling.Unit}, over the limit of {sampling.Limit:0.###} {sampling.Unit}");
        ExplanationItem[] explanation = [new("value", sampling.Value, sampling.Limit, null)];
        Fail(in context, new AlertDraft(RuleIds.SamplingOverLimit, subject, SeverityOf(sampling.Value, sampling.Limit, engine.Options), summary, explanation, report.ObservedAt, report.ObservedAt, report.Kind, Region: report.Region));
    }
}

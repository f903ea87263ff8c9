using System.Globalization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;

namespace Supervision.Streaming.Rules.Samples;

/// <summary>
/// Pesticide residues over the GB 2763 maximum residue limit (<c>gb2763.residue.mrl</c>), looked up commodity →
/// subgroup → group in <see cref="RuleSet.Residues"/>; critical at <see cref="RuleOptions.CriticalSampleFactor"/>
/// times the limit. A residue whose pair has no limit is stored but not judged.
/// </summary>
public sealed class ResidueLimitRule : JudgedSamples
{
    public override string Name => "residue-limit";

    public override IReadOnlyList<string> Ids => [RuleIds.ResidueOverLimit];

    protected override ReportKind Kind => ReportKind.AgriResidue;

    public override void Apply(in Report report, in ReportContext context)
    {
        var residue = (AgriResidue)report.Payload;
        var engine = context.Engine;
        var hour = report.ObservedAt.UtcTicks / TimeSpan.TicksPerHour;
        var table = engine.Rules.Residues;
        if (!table.TryFind(residue.Commodity, residue.Pesticide, out var limit))
        {
            engine.Window.AddReading(context.Enterprise, hour, false, 0, 0);
            return;
        }
        var over = residue.ValueMgKg > limit.MrlMgKg;
        engine.Window.AddSampling(context.Enterprise, hour, over);
        if (!over)
        {
            Pass(in context);
            return;
        }
        var subject = string.Concat(residue.Commodity, "/", residue.Pesticide);
        var source = table.IsSample ? "GB 2763 sample table" : "GB 2763";
        var summary = string.Create(CultureInfo.InvariantCulture, $"{residue.Commodity}: {residue.Pesticide} at {residue.ValueMgKg:0.###} mg/kg, over the limit of {limit.MrlMgKg:0.###} mg/kg for {limit.Food} ({source})");
        ExplanationItem[] explanation =
        [
            new("valueMgKg", residue.ValueMgKg, limit.MrlMgKg, null),
            new("timesLimit", Math.Round(residue.ValueMgKg / limit.MrlMgKg, 2), 1, null),
        ];
        Fail(in context, new AlertDraft(RuleIds.ResidueOverLimit, subject, SeverityOf(residue.ValueMgKg, limit.MrlMgKg, engine.Options), summary, explanation, report.ObservedAt, report.ObservedAt, report.Kind, Region: report.Region));
    }
}

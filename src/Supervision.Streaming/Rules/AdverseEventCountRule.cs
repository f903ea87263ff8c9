using Supervision.Domain.Reports;

namespace Supervision.Streaming.Rules;

/// <summary>
/// Adverse drug reaction reports count in the reporting enterprise's risk features (<c>adverseEvents24h</c>, a
/// serious one twice); they raise no alert of their own here.
/// </summary>
public sealed class AdverseEventCountRule : Rule
{
    public override string Name => "adverse-event-count";

    public override IReadOnlyList<string> Ids => [];

    public override IReadOnlyList<ReportKind> Kinds => [ReportKind.DrugAdverseEvent];

    public override void Apply(in Report report, in ReportContext context) =>
        context.Engine.Window.AddAdverseEvent(context.Enterprise, report.ObservedAt.UtcTicks / TimeSpan.TicksPerHour, ((DrugAdverseEvent)report.Payload).Serious);
}

using System.Globalization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Rules.Inspections;

/// <summary>Failed periodic inspections (<c>tsg.inspection.failed</c>): the newest inspection of a unit (by inspection date) failed; a later pass resolves it.</summary>
public sealed class InspectionResultRule : Rule
{
    private readonly SubjectStates<(long LastInspected, int Alert)> _states = new();

    public override string Name => "inspection-result";

    public override IReadOnlyList<string> Ids => [RuleIds.InspectionFailed];

    public override IReadOnlyList<ReportKind> Kinds => [ReportKind.EquipmentInspection];

    public override void Apply(in Report report, in ReportContext context)
    {
        var inspection = (EquipmentInspection)report.Payload;
        var engine = context.Engine;
        var failed = inspection.Result == InspectionResult.Fail;
        engine.Window.AddReading(context.Enterprise, report.ObservedAt.UtcTicks / TimeSpan.TicksPerHour, failed, 0, 0);
        ref var state = ref _states[context.Subject];
        var inspectedAt = inspection.InspectedAt.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        if (inspectedAt < state.LastInspected)
        {
            return;
        }
        state.LastInspected = inspectedAt;
        if (!failed)
        {
            engine.Alerts.Resolve(ref state.Alert);
            return;
        }
        var summary = string.Create(CultureInfo.InvariantCulture, $"{inspection.EquipmentType.Name()} {inspection.EquipmentId} failed its periodic inspection on {inspection.InspectedAt:yyyy-MM-dd}");
        ExplanationItem[] explanation = [new("inspectionFailed", 1, 0, null)];
        engine.Alerts.Raise(ref state.Alert, context.Enterprise,
            new AlertDraft(RuleIds.InspectionFailed, inspection.EquipmentId, Severity.Warning, summary, explanation, report.ObservedAt, report.ObservedAt, report.Kind, Region: report.Region));
    }

    public override bool Retains(ReportKind kind, int subject, RuleContext context) => context.Alerts.IsOpen(_states[subject].Alert);

    public override void Forget(ReportKind kind, int subject) => _states.Reset(subject);

    public override void Write(BinaryWriter writer, RuleContext context) =>
        _states.Write(writer, context.Subjects(ReportKind.EquipmentInspection), static (w, s) =>
        {
            w.Write(s.LastInspected);
            w.Write(s.Alert);
        });

    public override void Read(BinaryReader reader, RuleContext context) => _states.Read(reader, static r => (r.ReadInt64(), r.ReadInt32()));
}

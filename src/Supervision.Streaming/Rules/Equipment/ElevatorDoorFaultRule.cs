using System.Globalization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Rules.Equipment;

/// <summary>
/// Elevator door faults (<c>tsg.elevator.door_fault</c>): <c>door_fault</c> = 1 is a warning while it lasts,
/// critical once it has lasted <see cref="FaultOptions.DoorFaultCritical"/>; it resolves when the flag drops to 0.
/// </summary>
public sealed class ElevatorDoorFaultRule : Rule
{
    private readonly SubjectStates<Run> _states = new();

    public override string Name => "elevator-door-fault";

    public override IReadOnlyList<string> Ids => [RuleIds.ElevatorDoorFault];

    public override IReadOnlyList<ReportKind> Kinds => [ReportKind.EquipmentTelemetry];

    public override void Apply(in Report report, in ReportContext context)
    {
        var telemetry = (EquipmentTelemetry)report.Payload;
        if (telemetry.EquipmentType != EquipmentType.Elevator || telemetry.Metric != EquipmentMetrics.DoorFault)
        {
            return;
        }
        var engine = context.Engine;
        ref var door = ref _states[context.Subject];
        var at = report.ObservedAt.UtcTicks;
        if (telemetry.Value < 0.5)
        {
            door.Start = 0;
            engine.Alerts.Resolve(ref door.Alert);
            return;
        }
        if (door.Start == 0)
        {
            door.Start = at;
        }
        var lasted = TimeSpan.FromTicks(at - door.Start);
        var severity = lasted >= engine.Options.Faults.DoorFaultCritical ? Severity.Critical : Severity.Warning;
        var summary = string.Create(CultureInfo.InvariantCulture, $"elevator {telemetry.EquipmentId}: door fault for {lasted.TotalMinutes:0} min");
        ExplanationItem[] explanation = [new(EquipmentMetrics.DoorFault, telemetry.Value, 0, null), new("faultMinutes", Math.Round(lasted.TotalMinutes, 1), engine.Options.Faults.DoorFaultCritical.TotalMinutes, null)];
        engine.Alerts.Raise(ref door.Alert, context.Enterprise,
            new AlertDraft(RuleIds.ElevatorDoorFault, telemetry.EquipmentId, severity, summary, explanation, new DateTimeOffset(door.Start, TimeSpan.Zero), report.ObservedAt, report.Kind, Region: report.Region));
    }

    public override bool Retains(ReportKind kind, int subject, RuleContext context) => _states[subject].Start != 0 || context.Alerts.IsOpen(_states[subject].Alert);

    public override void Forget(ReportKind kind, int subject) => _states.Reset(subject);

    public override void Write(BinaryWriter writer, RuleContext context) =>
        _states.Write(writer, context.Subjects(ReportKind.EquipmentTelemetry), static (w, s) => Run.Write(w, s));

    public override void Read(BinaryReader reader, RuleContext context) => _states.Read(reader, Run.Read);
}

using System.Globalization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Rules.Equipment;

/// <summary>Trapped passengers (<c>tsg.elevator.trapped</c>): an elevator reporting <c>trapped_passenger</c> = 1 is critical at once, until it reports 0.</summary>
public sealed class ElevatorTrappedRule : Rule
{
    private readonly SubjectStates<Run> _states = new();

    public override string Name => "elevator-trapped";

    public override IReadOnlyList<string> Ids => [RuleIds.ElevatorTrapped];

    public override IReadOnlyList<ReportKind> Kinds => [ReportKind.EquipmentTelemetry];

    public override void Apply(in Report report, in ReportContext context)
    {
        var telemetry = (EquipmentTelemetry)report.Payload;
        if (telemetry.EquipmentType != EquipmentType.Elevator || telemetry.Metric != EquipmentMetrics.TrappedPassenger)
        {
            return;
        }
        var engine = context.Engine;
        ref var device = ref _states[context.Subject];
        var at = report.ObservedAt.UtcTicks;
        var hour = at / TimeSpan.TicksPerHour;
        if (telemetry.Value < 0.5)
        {
            engine.Window.AddReading(context.Enterprise, hour, false, 0, 0);
            device.Start = 0;
            engine.Alerts.Resolve(ref device.Alert);
            return;
        }
        engine.Window.AddReading(context.Enterprise, hour, true, 0, 0);
        if (device.Start == 0)
        {
            device.Start = at;
            engine.Window.AddTrapped(context.Enterprise, hour);
        }
        var minutes = TimeSpan.FromTicks(at - device.Start).TotalMinutes;
        var summary = string.Create(CultureInfo.InvariantCulture, $"elevator {telemetry.EquipmentId}: passengers trapped for {minutes:0} min");
        ExplanationItem[] explanation = [new(EquipmentMetrics.TrappedPassenger, telemetry.Value, 0, null), new("trappedMinutes", Math.Round(minutes, 1), null, null)];
        engine.Alerts.Raise(ref device.Alert, context.Enterprise,
            new AlertDraft(RuleIds.ElevatorTrapped, telemetry.EquipmentId, Severity.Critical, summary, explanation, new DateTimeOffset(device.Start, TimeSpan.Zero), report.ObservedAt, report.Kind, Region: report.Region));
    }

    public override bool Retains(ReportKind kind, int subject, RuleContext context) => _states[subject].Start != 0 || context.Alerts.IsOpen(_states[subject].Alert);

    public override void Forget(ReportKind kind, int subject) => _states.Reset(subject);

    public override void Write(BinaryWriter writer, RuleContext context) =>
        _states.Write(writer, context.Subjects(ReportKind.EquipmentTelemetry), static (w, s) => Run.Write(w, s));

    public override void Read(BinaryReader reader, RuleContext context) => _states.Read(reader, Run.Read);
}

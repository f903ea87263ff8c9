using System.Globalization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Rules.Equipment;

/// <summary>
/// Equipment beyond its rating (TSG): an elevator at or above <see cref="FaultOptions.OverspeedFactor"/> × its
/// rated speed (<c>tsg.elevator.overspeed</c>; the safety gear trips at 115 %), a boiler or pressure vessel above
/// its rated working pressure (<c>tsg.pressure.over_rating</c>). Both critical, resolving once back within the
/// rating. Rated values come from the equipment register (<see cref="Data.EquipmentRegister"/>); equipment not
/// registered with a rating is not judged.
/// </summary>
public sealed class EquipmentOverRatingRule : Rule
{
    private readonly SubjectStates<Rated> _states = new();
    private int _generation = 1;

    public override string Name => "equipment-over-rating";

    public override IReadOnlyList<string> Ids => [RuleIds.ElevatorOverspeed, RuleIds.PressureOverRating];

    public override IReadOnlyList<ReportKind> Kinds => [ReportKind.EquipmentTelemetry];

    public override void Reloaded(RuleContext context) => _generation++;

    public override void Apply(in Report report, in ReportContext context)
    {
        var telemetry = (EquipmentTelemetry)report.Payload;
        var speed = telemetry.EquipmentType == EquipmentType.Elevator && telemetry.Metric == EquipmentMetrics.SpeedMs;
        var pressure = telemetry.EquipmentType is EquipmentType.Boiler or EquipmentType.PressureVessel && telemetry.Metric == EquipmentMetrics.PressureMpa;
        if (!speed && !pressure)
        {
            return;
        }
        var engine = context.Engine;
        ref var state = ref _states[context.Subject];
        if (state.Generation != _generation)
        {
            // The rating is looked up once per subject and register version, not per reading.
            var registered = engine.Rules.Equipment.Find(report.EnterpriseId.Value, telemetry.EquipmentId);
            state.Rating = (speed ? registered?.RatedSpeedMs : registered?.RatedPressureMpa) ?? 0;
            state.Generation = _generation;
        }
        if (state.Rating <= 0)
        {
            return;
        }
        var limit = speed ? state.Rating * engine.Options.Faults.OverspeedFactor : state.Rating;
        var over = speed ? telemetry.Value >= limit : telemetry.Value > limit;
        if (!over)
        {
            state.Start = 0;
            engine.Alerts.Resolve(ref state.Alert);
            return;
        }
        if (state.Start == 0)
        {
            state.Start = report.ObservedAt.UtcTicks;
        }
        var share = telemetry.Value / state.Rating;
        string summary, ruleId;
        if (speed)
        {
            ruleId = RuleIds.ElevatorOverspeed;
            summary = string.Create(CultureInfo.InvariantCulture, $"elevator {telemetry.EquipmentId}: {telemetry.Value:0.##} m/s, {share:P0} of its rated {state.Rating:0.##} m/s (safety gear trips at {engine.Options.Faults.OverspeedFactor:P0})");
        }
        else
        {
            ruleId = RuleIds.PressureOverRating;
            summary = string.Create(CultureInfo.InvariantCulture, $"{telemetry.EquipmentType.Name()} {telemetry.EquipmentId}: {telemetry.Value:0.###} MPa, above its rated working pressure of {state.Rating:0.###} MPa");
        }
        ExplanationItem[] explanation = [new(telemetry.Metric, telemetry.Value, Math.Round(limit, 4), null), new("ratedValue", state.Rating, null, null)];
        engine.Alerts.Raise(ref state.Alert, context.Enterprise,
            new AlertDraft(ruleId, telemetry.EquipmentId, Severity.Critical, summary, explanation, new DateTimeOffset(state.Start, TimeSpan.Zero), report.ObservedAt, report.Kind, Region: report.Region));
    }

    public override bool Retains(ReportKind kind, int subject, RuleContext context) => _states[subject].Start != 0 || context.Alerts.IsOpen(_states[subject].Alert);

    public override void Forget(ReportKind kind, int subject) => _states.Reset(subject);

    public override void Write(BinaryWriter writer, RuleContext context) =>
        _states.Write(writer, context.Subjects(ReportKind.EquipmentTelemetry), static (w, s) =>
        {
            w.Write(s.Start);
            w.Write(s.Alert);
        });

    // Ratings are looked up again after a restore (generation 0 never matches).
    public override void Read(BinaryReader reader, RuleContext context) =>
        _states.Read(reader, static r => new Rated { Start = r.ReadInt64(), Alert = r.ReadInt32() });

    private struct Rated
    {
        public long Start;
        public int Alert;
        public double Rating;
        public int Generation;
    }
}

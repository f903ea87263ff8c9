using System.Globalization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Rules.Inspections;

/// <summary>
/// When each unit's next periodic inspection is due, and units past it. A registered elevator's due date comes
/// from the TSG T7001-2023 calendar (<see cref="InspectionCalendar"/>) from its commissioning date; a report whose
/// <c>nextDueDate</c> contradicts the calendar is flagged (<c>tsg.inspection.calendar</c>, warning). Other units
/// take the report's <c>nextDueDate</c>. As event time passes (on ticks, without new reports), a unit past its due
/// date opens <c>tsg.inspection.overdue</c>, updated as each further day passes (critical after
/// <see cref="RuleOptions.CriticalOverdueDays"/>); a new inspection resolves it. Registered elevators of an
/// enterprise the engine knows are judged even before their first inspection report.
/// </summary>
public sealed class InspectionDueRule : Rule, ITimedRule
{
    private readonly SubjectStates<Unit> _states = new();
    private List<int>?[] _units = new List<int>?[16];
    private int _registeredFor;

    public override string Name => "inspection-due";

    public override IReadOnlyList<string> Ids => [RuleIds.InspectionOverdue, RuleIds.InspectionCalendar];

    public override IReadOnlyList<ReportKind> Kinds => [ReportKind.EquipmentInspection];

    public TimeSpan Period => TimeSpan.FromHours(1);

    public override void Reloaded(RuleContext context) => _registeredFor = 0;

    public override void Apply(in Report report, in ReportContext context)
    {
        var inspection = (EquipmentInspection)report.Payload;
        var engine = context.Engine;
        ref var state = ref _states[context.Subject];
        Track(context.Enterprise, context.Subject, ref state, inspection.EquipmentType);
        var inspectedAt = inspection.InspectedAt.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        if (inspectedAt < state.LastInspected)
        {
            return;
        }
        state.LastInspected = inspectedAt;
        var due = inspection.NextDueDate;
        if (engine.Rules.Equipment.Find(report.EnterpriseId.Value, inspection.EquipmentId) is { Type: EquipmentType.Elevator } registered)
        {
            var calendar = InspectionCalendar.NextDue(registered.CommissionedOn, inspection.InspectedAt, engine.Options.Calendar);
            if (calendar != due)
            {
                var summary = string.Create(CultureInfo.InvariantCulture,
                    $"elevator {inspection.EquipmentId}: the inspection of {inspection.InspectedAt:yyyy-MM-dd} gives the next one as due {due:yyyy-MM-dd}, but the TSG T7001-2023 calendar from its commissioning on {registered.CommissionedOn:yyyy-MM-dd} has it due {calendar:yyyy-MM-dd}");
                ExplanationItem[] explanation = [new("reportedDueDay", due.DayNumber, calendar.DayNumber, null), new("daysLater", due.DayNumber - calendar.DayNumber, 0, null)];
                engine.Alerts.Raise(ref state.Mismatch, context.Enterprise,
                    new AlertDraft(RuleIds.InspectionCalendar, inspection.EquipmentId, Severity.Warning, summary, explanation, report.ObservedAt, report.ObservedAt, report.Kind, Region: report.Region));
            }
            else
            {
                engine.Alerts.Resolve(ref state.Mismatch);
            }
            due = calendar;
        }
        // Overdue from the day after the due date.
        state.Due = due.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        if (report.ObservedAt.UtcTicks < state.Due)
        {
            state.OverdueDays = 0;
            engine.Alerts.Resolve(ref state.Overdue);
        }
    }

    public void Advance(RuleContext context)
    {
        RegisterElevators(context);
        var subjects = context.Subjects(ReportKind.EquipmentInspection);
        var now = context.Clock.EventNow;
        for (var id = 0; id < subjects.Capacity; id++)
        {
            if (!subjects.IsLive(id))
            {
                continue;
            }
            ref var state = ref _states[id];
            if (state.Due == 0 || now < state.Due)
            {
                continue;
            }
            var days = ((now - state.Due) / TimeSpan.TicksPerDay) + 1;
            if (days == state.OverdueDays)
            {
                continue;
            }
            state.OverdueDays = days;
            var due = new DateTimeOffset(state.Due, TimeSpan.Zero).AddDays(-1);
            var severity = days > context.Options.CriticalOverdueDays ? Severity.Critical : Severity.Warning;
            var equipmentId = subjects.FirstOf(id);
            var summary = string.Create(CultureInfo.InvariantCulture, $"{((EquipmentType)state.Type).Name()} {equipmentId}: periodic inspection overdue by {days} days (due {due:yyyy-MM-dd})");
            ExplanationItem[] explanation = [new("daysOverdue", days, 0, null)];
            context.Alerts.Raise(ref state.Overdue, subjects.EnterpriseOf(id),
                new AlertDraft(RuleIds.InspectionOverdue, equipmentId, severity, summary, explanation, new DateTimeOffset(state.Due, TimeSpan.Zero), context.Clock.EventNowTime, ReportKind.EquipmentInspection, Region: subjects.RegionOf(id)));
        }
    }

    /// <summary>Days the enterprise's most overdue unit is past its due date at <paramref name="at"/> (0 when none is).</summary>
    public float OverdueDays(int enterprise, long at)
    {
        if (enterprise >= _units.Length || _units[enterprise] is not { } units)
        {
            return 0;
        }
        var most = 0.0;
        foreach (var id in units)
        {
            most = Math.Max(most, (at - _states[id].Due) / (double)TimeSpan.TicksPerDay);
        }
        return (float)Math.Round(most, 2);
    }

    // Units stay: an elevator is inspected once a year or less, far beyond any idle horizon.
    public override bool Retains(ReportKind kind, int subject, RuleContext context) => true;

    public override void Write(BinaryWriter writer, RuleContext context) =>
        _states.Write(writer, context.Subjects(ReportKind.EquipmentInspection), static (w, s) =>
        {
            w.Write(s.LastInspected);
            w.Write(s.Due);
            w.Write(s.OverdueDays);
            w.Write(s.Overdue);
            w.Write(s.Mismatch);
            w.Write(s.Type);
        });

    public override void Read(BinaryReader reader, RuleContext context)
    {
        _states.Read(reader, static r => new Unit
        {
            LastInspected = r.ReadInt64(),
            Due = r.ReadInt64(),
            OverdueDays = r.ReadInt64(),
            Overdue = r.ReadInt32(),
            Mismatch = r.ReadInt32(),
            Type = r.ReadByte(),
        });
        _units = new List<int>?[16];
        _registeredFor = 0;
        var subjects = context.Subjects(ReportKind.EquipmentInspection);
        for (var id = 0; id < subjects.Capacity; id++)
        {
            if (subjects.IsLive(id))
            {
                ref var state = ref _states[id];
                state.Tracked = false;
                Track(subjects.EnterpriseOf(id), id, ref state, (EquipmentType)state.Type);
            }
        }
    }

    public override long StateEntries => _states.Length;

    private void Track(int enterprise, int subject, ref Unit state, EquipmentType type)
    {
        state.Type = (byte)type;
        if (state.Tracked)
        {
            return;
        }
        state.Tracked = true;
        if (enterprise >= _units.Length)
        {
            Array.Resize(ref _units, Math.Max(enterprise + 1, _units.Length * 2));
        }
        (_units[enterprise] ??= []).Add(subject);
    }

    // Registered elevators of enterprises the engine knows, not yet reported on, start from their calendar's first due date.
    private void RegisterElevators(RuleContext context)
    {
        var register = context.Rules.Equipment;
        if (register.Count == 0 || _registeredFor == context.Enterprises.Count)
        {
            return;
        }
        var subjects = context.Subjects(ReportKind.EquipmentInspection);
        for (var e = _registeredFor; e < context.Enterprises.Count; e++)
        {
            foreach (var equipment in register.Of(context.Enterprises[e].Id.Value))
            {
                if (equipment.Type != EquipmentType.Elevator)
                {
                    continue;
                }
                var id = subjects.Intern(e, equipment.EquipmentId, "", out var added);
                if (!added)
                {
                    continue;
                }
                ref var state = ref _states[id];
                Track(e, id, ref state, EquipmentType.Elevator);
                state.Due = InspectionCalendar.NextDue(equipment.CommissionedOn, null, context.Options.Calendar).AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
            }
        }
        _registeredFor = context.Enterprises.Count;
    }

    private struct Unit
    {
        public long LastInspected;
        public long Due;
        public long OverdueDays;
        public int Overdue;
        public int Mismatch;
        public byte Type;
        public bool Tracked;
    }
}

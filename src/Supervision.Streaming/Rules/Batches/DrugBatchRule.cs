using System.Globalization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Rules.Batches;

/// <summary>
/// Drug batches past their expiry: moving one <c>out</c> after its expiry date is critical
/// (<c>drug.batch.expired</c>; resolved by a later compliant movement of the batch); and, as time passes without
/// any report, a batch still in stock (moved in more than out) when its expiry date passes is a warning
/// (<c>drug.batch.expired_stock</c>, checked on ticks) until its stock is moved out.
/// </summary>
public sealed class DrugBatchRule : Rule, ITimedRule
{
    private readonly SubjectStates<Batch> _states = new();

    public override string Name => "drug-batch";

    public override IReadOnlyList<string> Ids => [RuleIds.DrugBatchExpired, RuleIds.DrugExpiredStock];

    public override IReadOnlyList<ReportKind> Kinds => [ReportKind.DrugBatch];

    public TimeSpan Period => TimeSpan.FromHours(1);

    public override void Apply(in Report report, in ReportContext context)
    {
        var batch = (DrugBatch)report.Payload;
        var engine = context.Engine;
        var today = DateOnly.FromDateTime(report.ObservedAt.UtcDateTime);
        var daysPast = today.DayNumber - batch.Expiry.DayNumber;
        var expired = batch.Movement == Movement.Out && daysPast > 0;
        engine.Window.AddBatch(context.Enterprise, report.ObservedAt.UtcTicks / TimeSpan.TicksPerHour, expired);
        ref var state = ref _states[context.Subject];
        state.Expiry = batch.Expiry.DayNumber;
        state.Stock += batch.Movement == Movement.In ? batch.Quantity : -batch.Quantity;
        if (state.Stock <= 0)
        {
            engine.Alerts.Resolve(ref state.StockAlert);
        }
        if (!expired)
        {
            engine.Alerts.Resolve(ref state.Alert);
            return;
        }
        var subject = string.Concat(batch.ApprovalNo, "/", batch.BatchNo);
        var summary = string.Create(CultureInfo.InvariantCulture, $"drug batch {batch.BatchNo} ({batch.ApprovalNo}) moved out {daysPast} days after its expiry on {batch.Expiry:yyyy-MM-dd}");
        ExplanationItem[] explanation = [new("daysPastExpiry", daysPast, 0, null), new("quantity", batch.Quantity, null, null)];
        engine.Alerts.Raise(ref state.Alert, context.Enterprise,
            new AlertDraft(RuleIds.DrugBatchExpired, subject, Severity.Critical, summary, explanation, report.ObservedAt, report.ObservedAt, report.Kind, Region: report.Region));
    }

    public void Advance(RuleContext context)
    {
        var subjects = context.Subjects(ReportKind.DrugBatch);
        var now = context.Clock.EventNowTime;
        var today = DateOnly.FromDateTime(now.UtcDateTime).DayNumber;
        for (var id = 0; id < subjects.Capacity; id++)
        {
            if (!subjects.IsLive(id))
            {
                continue;
            }
            ref var state = ref _states[id];
            if (state.Stock <= 0 || today <= state.Expiry || context.Alerts.IsOpen(state.StockAlert))
            {
                continue;
            }
            var expiry = DateOnly.FromDayNumber(state.Expiry);
            var (approval, batchNo) = (subjects.FirstOf(id), subjects.SecondOf(id));
            var summary = string.Create(CultureInfo.InvariantCulture, $"drug batch {batchNo} ({approval}) expired on {expiry:yyyy-MM-dd} with {state.Stock:0.##} still in stock");
            ExplanationItem[] explanation = [new("stock", state.Stock, 0, null), new("daysPastExpiry", today - state.Expiry, 0, null)];
            var firstSeen = new DateTimeOffset(expiry.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            context.Alerts.Raise(ref state.StockAlert, subjects.EnterpriseOf(id),
                new AlertDraft(RuleIds.DrugExpiredStock, string.Concat(approval, "/", batchNo), Severity.Warning, summary, explanation, firstSeen, now, ReportKind.DrugBatch, Region: subjects.RegionOf(id)));
        }
    }

    public override bool Retains(ReportKind kind, int subject, RuleContext context)
    {
        ref var state = ref _states[subject];
        var horizon = DateOnly.FromDayNumber(state.Expiry).ToDateTime(TimeOnly.MinValue).Ticks + context.Options.Retention.BatchAfterExpiry.Ticks;
        return context.Alerts.IsOpen(state.Alert) || context.Alerts.IsOpen(state.StockAlert) || context.Clock.EventNow < horizon;
    }

    public override void Forget(ReportKind kind, int subject) => _states.Reset(subject);

    public override void Write(BinaryWriter writer, RuleContext context) =>
        _states.Write(writer, context.Subjects(ReportKind.DrugBatch), static (w, s) =>
        {
            w.Write(s.Expiry);
            w.Write(s.Stock);
            w.Write(s.Alert);
            w.Write(s.StockAlert);
        });

    public override void Read(BinaryReader reader, RuleContext context) =>
        _states.Read(reader, static r => new Batch { Expiry = r.ReadInt32(), Stock = r.ReadDouble(), Alert = r.ReadInt32(), StockAlert = r.ReadInt32() });

    private struct Batch
    {
        public int Expiry;
        public double Stock;
        public int Alert;
        public int StockAlert;
    }
}

using System.Globalization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Rules.Batches;

/// <summary>
/// Food batches past their shelf life (<c>food.batch.expired</c>): a batch reported after productionDate +
/// shelfLifeDays is a warning until the batch is reported compliant again. Food batch reports carry no stock, so
/// expiry is judged when the batch is reported, not on ticks.
/// </summary>
public sealed class FoodBatchRule : Rule
{
    private readonly SubjectStates<Batch> _states = new();

    public override string Name => "food-batch";

    public override IReadOnlyList<string> Ids => [RuleIds.FoodBatchExpired];

    public override IReadOnlyList<ReportKind> Kinds => [ReportKind.FoodBatch];

    public override void Apply(in Report report, in ReportContext context)
    {
        var batch = (FoodBatch)report.Payload;
        var engine = context.Engine;
        var today = DateOnly.FromDateTime(report.ObservedAt.UtcDateTime);
        var end = batch.ProductionDate.AddDays(batch.ShelfLifeDays);
        var daysPast = today.DayNumber - end.DayNumber;
        engine.Window.AddBatch(context.Enterprise, report.ObservedAt.UtcTicks / TimeSpan.TicksPerHour, daysPast > 0);
        ref var state = ref _states[context.Subject];
        state.End = end.DayNumber;
        if (daysPast <= 0)
        {
            engine.Alerts.Resolve(ref state.Alert);
            return;
        }
        var subject = string.Concat(batch.LicenceNo, "/", batch.BatchNo);
        var summary = string.Create(CultureInfo.InvariantCulture, $"food batch {batch.BatchNo} of {batch.Product} still reported {daysPast} days after its shelf life ended on {end:yyyy-MM-dd}");
        ExplanationItem[] explanation = [new("daysPastShelfLife", daysPast, 0, null), new("quantity", batch.Quantity, null, null)];
        engine.Alerts.Raise(ref state.Alert, context.Enterprise,
            new AlertDraft(RuleIds.FoodBatchExpired, subject, Severity.Warning, summary, explanation, report.ObservedAt, report.ObservedAt, report.Kind, Region: report.Region));
    }

    public override bool Retains(ReportKind kind, int subject, RuleContext context)
    {
        ref var state = ref _states[subject];
        var horizon = DateOnly.FromDayNumber(state.End).ToDateTime(TimeOnly.MinValue).Ticks + context.Options.Retention.BatchAfterExpiry.Ticks;
        return context.Alerts.IsOpen(state.Alert) || context.Clock.EventNow < horizon;
    }

    public override void Forget(ReportKind kind, int subject) => _states.Reset(subject);

    public override void Write(BinaryWriter writer, RuleContext context) =>
        _states.Write(writer, context.Subjects(ReportKind.FoodBatch), static (w, s) =>
        {
            w.Write(s.End);
            w.Write(s.Alert);
        });

    public override void Read(BinaryReader reader, RuleContext context) =>
        _states.Read(reader, static r => new Batch { End = r.ReadInt32(), Alert = r.ReadInt32() });

    private struct Batch
    {
        public int End;
        public int Alert;
    }
}

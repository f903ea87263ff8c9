using System.Globalization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Rules.Batches;

/// <summary>
/// Recalled batches (<c>recall.batch.moved</c>): any movement of a drug batch, or any report of a food batch, on or
/// after the date the batch was recalled (<see cref="RuleSet.Recalls"/>, loaded as data) is critical. The alert
/// stays open, counting further movements, until a person closes it: a recall is not undone by a later report.
/// </summary>
public sealed class RecalledBatchRule : Rule
{
    private readonly SubjectStates<int>[] _alerts = [new(), new()];

    public override string Name => "recalled-batch";

    public override IReadOnlyList<string> Ids => [RuleIds.RecalledBatchMoved];

    public override IReadOnlyList<ReportKind> Kinds => [ReportKind.DrugBatch, ReportKind.FoodBatch];

    public override void Apply(in Report report, in ReportContext context)
    {
        var (licence, batchNo, quantity, what) = report.Payload switch
        {
            DrugBatch d => (d.ApprovalNo, d.BatchNo, d.Quantity, d.Movement == Movement.In ? "drug batch {0} ({1}) moved in" : "drug batch {0} ({1}) moved out"),
            FoodBatch f => (f.LicenceNo, f.BatchNo, f.Quantity, "food batch {0} of " + f.Product + " ({1}) reported"),
            _ => throw new InvalidOperationException("not a batch"),
        };
        if (context.Engine.Rules.Recalls.Find(licence, batchNo) is not { } recall
            || DateOnly.FromDateTime(report.ObservedAt.UtcDateTime) < recall.RecalledOn)
        {
            return;
        }
        var summary = string.Format(CultureInfo.InvariantCulture, what, batchNo, licence)
            + string.Create(CultureInfo.InvariantCulture, $" after its recall on {recall.RecalledOn:yyyy-MM-dd}: {recall.Reason}");
        ExplanationItem[] explanation =
        [
            new("daysSinceRecall", DateOnly.FromDateTime(report.ObservedAt.UtcDateTime).DayNumber - recall.RecalledOn.DayNumber, 0, null),
            new("quantity", quantity, null, null),
        ];
        context.Engine.Alerts.Raise(ref Slot(report.Kind)[context.Subject], context.Enterprise,
            new AlertDraft(RuleIds.RecalledBatchMoved, string.Concat(licence, "/", batchNo), Severity.Critical, summary, explanation, report.ObservedAt, report.ObservedAt, report.Kind, Region: report.Region));
    }

    public override bool Retains(ReportKind kind, int subject, RuleContext context) => context.Alerts.IsOpen(Slot(kind)[subject]);

    public override void Forget(ReportKind kind, int subject) => Slot(kind).Reset(subject);

    public override void Write(BinaryWriter writer, RuleContext context)
    {
        _alerts[0].Write(writer, context.Subjects(ReportKind.DrugBatch), static (w, a) => w.Write(a));
        _alerts[1].Write(writer, context.Subjects(ReportKind.FoodBatch), static (w, a) => w.Write(a));
    }

    public override void Read(BinaryReader reader, RuleContext context)
    {
        _alerts[0].Read(reader, static r => r.ReadInt32());
        _alerts[1].Read(reader, static r => r.ReadInt32());
    }

    private SubjectStates<int> Slot(ReportKind kind) => _alerts[kind == ReportKind.DrugBatch ? 0 : 1];
}

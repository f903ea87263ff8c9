using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Storage.Queries;

namespace Supervision.Storage.History;

/// <summary>
/// The writing side of the history: idempotent appends (the same report, score, snapshot, alert event or grade
/// change appended twice is stored once), so a writer may retry a write whose outcome it did not learn. The
/// history writer is its one user.
/// </summary>
public interface IHistoryAppender
{
    /// <summary>Appends accepted reports (idempotent by report id).</summary>
    Task AppendReportsAsync(IReadOnlyList<Report> reports, DateTimeOffset receivedAt, CancellationToken cancellation);

    /// <summary>
    /// Appends several batches of accepted reports as one write, each batch with its own arrival time (idempotent
    /// by report id): the history writer merges what waits in its queue this way.
    /// </summary>
    Task AppendReportBatchesAsync(IReadOnlyList<ReportBatch> batches, CancellationToken cancellation);

    /// <summary>Appends alert changes (each a lifecycle event; the newest one per alert is its state).</summary>
    Task AppendAlertsAsync(IReadOnlyList<Alert> alerts, DateTimeOffset recordedAt, CancellationToken cancellation);

    /// <summary>Appends credit grade changes.</summary>
    Task AppendGradeChangesAsync(IReadOnlyList<GradeChange> changes, CancellationToken cancellation);

    /// <summary>Appends risk scores.</summary>
    Task AppendScoresAsync(IReadOnlyList<RiskScoreRecord> scores, CancellationToken cancellation);

    /// <summary>Appends enterprise risk snapshots.</summary>
    Task AppendSnapshotsAsync(IReadOnlyList<RiskSnapshot> snapshots, CancellationToken cancellation);

    /// <summary>Appends audit records of analyst queries.</summary>
    Task AppendAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellation);
}

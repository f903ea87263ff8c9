using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Storage.Queries;

namespace Supervision.Storage.History;

/// <summary>Which alerts to read back: those active in [<see cref="From"/>, <see cref="To"/>] within a jurisdiction.</summary>
/// <param name="From">Earliest last-seen time.</param>
/// <param name="To">Latest first-seen time.</param>
/// <param name="RegionPrefix">Jurisdiction prefix (empty: everywhere).</param>
/// <param name="Limit">Most alerts to return, newest first.</param>
public sealed record AlertQuery(DateTimeOffset From, DateTimeOffset To, string RegionPrefix, int Limit)
{
    /// <summary>Only this enterprise's alerts; null for any.</summary>
    public string? EnterpriseId { get; init; }

    /// <summary>Only these sectors; empty for any.</summary>
    public IReadOnlyList<Sector> Sectors { get; init; } = [];
}

/// <summary>
/// The history of normalised reports, risk scores, alert lifecycle events, grade changes and enterprise risk
/// snapshots, and the queries analysts run over it. Backends: DuckDB (embedded, the default) and ClickHouse
/// (single node or a Distributed table over shards); both pass one conformance suite.
/// </summary>
/// <remarks>
/// Every append is idempotent: appending the same report (by enterprise and report id), score, snapshot, alert
/// event or grade change twice stores it once, so a writer may retry a batch whose outcome it did not learn. For
/// reports the DuckDB store remembers keys for a window of arrival days (8 by default, beyond the server's 7-day
/// idempotency window; see <see cref="DuckDb.DuckDbHistoryStore.DeduplicationWindow"/>).
/// </remarks>
public interface IHistoryStore : IAsyncDisposable
{
    /// <summary>Creates tables if needed; call once before anything else.</summary>
    Task InitializeAsync(CancellationToken cancellation);

    /// <summary>Appends accepted reports (idempotent by report id).</summary>
    Task AppendReportsAsync(IReadOnlyList<Report> reports, DateTimeOffset receivedAt, CancellationToken cancellation);

    /// <summary>
    /// Appends several batches of accepted reports as one write, each batch with its own arrival time (idempotent
    /// by report id): the history writer merges what waits in its queue this way.
    /// </summary>
    Task AppendReportBatchesAsync(IReadOnlyList<ReportBatch> batches, CancellationToken cancellation);

    /// <summary>Appends alert changes (each a lifecycle event; the newest one per alert is its state).</summary>
    Task AppendAlertsAsync(IReadOnlyList<Alert> alerts, DateTimeOffset recordedAt, CancellationToken cancellation);

    /// <summary>The latest state of each alert that matches <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<Alert>> QueryAlertsAsync(AlertQuery query, CancellationToken cancellation);

    /// <summary>Appends credit grade changes.</summary>
    Task AppendGradeChangesAsync(IReadOnlyList<GradeChange> changes, CancellationToken cancellation);

    /// <summary>Grade changes of one enterprise, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<GradeChange>> QueryGradeChangesAsync(string enterpriseId, int limit, CancellationToken cancellation);

    /// <summary>
    /// Calls <paramref name="visit"/> with (enterpriseId, reportId, receivedAt) of every report received at or after
    /// <paramref name="since"/>: the server rebuilds its idempotency index from it at start-up.
    /// </summary>
    Task ForEachReportIdAsync(DateTimeOffset since, Action<string, string, DateTimeOffset> visit, CancellationToken cancellation);

    /// <summary>Number of stored reports (for health and tests).</summary>
    Task<long> CountReportsAsync(CancellationToken cancellation);

    /// <summary>Appends risk scores.</summary>
    Task AppendScoresAsync(IReadOnlyList<RiskScoreRecord> scores, CancellationToken cancellation);

    /// <summary>Appends enterprise risk snapshots.</summary>
    Task AppendSnapshotsAsync(IReadOnlyList<RiskSnapshot> snapshots, CancellationToken cancellation);

    /// <summary>Appends audit records of analyst queries.</summary>
    Task AppendAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellation);

    /// <summary>Risk over time buckets.</summary>
    Task<IReadOnlyList<TrendPoint>> QueryTrendAsync(TrendQuery query, CancellationToken cancellation);

    /// <summary>The riskiest enterprises, riskiest first, with their top reasons.</summary>
    Task<IReadOnlyList<TopRiskRow>> QueryTopRiskAsync(TopRiskQuery query, CancellationToken cancellation);

    /// <summary>Region × sector heat cells.</summary>
    Task<IReadOnlyList<HeatCell>> QueryHeatAsync(HeatQuery query, CancellationToken cancellation);

    /// <summary>Alert counts by severity and status, and times to acknowledge and resolve.</summary>
    Task<AlertStatistics> QueryAlertStatisticsAsync(AlertStatisticsQuery query, CancellationToken cancellation);

    /// <summary>Everything recorded about one enterprise, newest first.</summary>
    Task<IReadOnlyList<TimelineEntry>> QueryTimelineAsync(TimelineQuery query, CancellationToken cancellation);

    /// <summary>Audit records, newest first.</summary>
    Task<IReadOnlyList<AuditRecord>> QueryAuditAsync(AuditQuery query, CancellationToken cancellation);
}

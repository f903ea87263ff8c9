using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;

namespace Supervision.Storage.History;

/// <summary>Which alerts to read back: those active in [<see cref="From"/>, <see cref="To"/>] within a jurisdiction.</summary>
/// <param name="From">Earliest last-seen time.</param>
/// <param name="To">Latest first-seen time.</param>
/// <param name="RegionPrefix">Jurisdiction prefix (empty: everywhere).</param>
/// <param name="Limit">Most alerts to return, newest first.</param>
public sealed record AlertQuery(DateTimeOffset From, DateTimeOffset To, string RegionPrefix, int Limit);

/// <summary>
/// The history of reports and alert lifecycle events, and the queries analysts run over it. Backends: DuckDB
/// (embedded, the default); ClickHouse for scale-out.
/// </summary>
public interface IHistoryStore : IAsyncDisposable
{
    /// <summary>Creates tables if needed; call once before anything else.</summary>
    Task InitializeAsync(CancellationToken cancellation);

    /// <summary>Appends accepted reports.</summary>
    Task AppendReportsAsync(IReadOnlyList<Report> reports, DateTimeOffset receivedAt, CancellationToken cancellation);

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
}

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
/// Consumers depend on the role they need: <see cref="IHistoryAppender"/>, <see cref="IHistoryQueries"/> or <see cref="IHistoryRecovery"/>.
/// </remarks>
public interface IHistoryStore : IHistoryAppender, IHistoryQueries, IHistoryRecovery, IAsyncDisposable
{
    /// <summary>Creates tables if needed; call once before anything else.</summary>
    Task InitializeAsync(CancellationToken cancellation);
}

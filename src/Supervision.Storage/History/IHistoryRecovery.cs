namespace Supervision.Storage.History;

/// <summary>What the server reads back from the history at start-up and for health.</summary>
public interface IHistoryRecovery
{
    /// <summary>
    /// Calls <paramref name="visit"/> with (enterpriseId, reportId, receivedAt) of every report received at or after
    /// <paramref name="since"/>: the server rebuilds its idempotency index from it at start-up.
    /// </summary>
    Task ForEachReportIdAsync(DateTimeOffset since, Action<string, string, DateTimeOffset> visit, CancellationToken cancellation);

    /// <summary>Number of stored reports (for health and tests).</summary>
    Task<long> CountReportsAsync(CancellationToken cancellation);
}

using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Storage.History;
using Supervision.Storage.Queries;

namespace Supervision.Storage.Tests.Infrastructure;

/// <summary>
/// A real store seen from the outside: records which report batches it accepted, in order; can hold report
/// writes behind a gate (a slow store) or refuse every write (a store that is down).
/// </summary>
public sealed class RecordingStore(IHistoryStore inner, Task? gate = null, bool failing = false) : IHistoryStore
{
    private readonly List<string> _firstIds = [];
    private int _reportWrites;

    /// <summary>Calls that appended reports.</summary>
    public int ReportWrites => Volatile.Read(ref _reportWrites);

    public IReadOnlyList<string> WrittenBatchFirstIds
    {
        get
        {
            lock (_firstIds)
            {
                return [.. _firstIds];
            }
        }
    }

    public async Task AppendReportsAsync(IReadOnlyList<Report> reports, DateTimeOffset receivedAt, CancellationToken cancellation)
    {
        Refuse();
        if (gate is not null)
        {
            await gate;
        }
        await inner.AppendReportsAsync(reports, receivedAt, cancellation);
        Interlocked.Increment(ref _reportWrites);
        lock (_firstIds)
        {
            _firstIds.Add(reports[0].ReportId);
        }
    }

    public async Task AppendReportBatchesAsync(IReadOnlyList<ReportBatch> batches, CancellationToken cancellation)
    {
        Refuse();
        if (gate is not null)
        {
            await gate;
        }
        await inner.AppendReportBatchesAsync(batches, cancellation);
        Interlocked.Increment(ref _reportWrites);
        lock (_firstIds)
        {
            _firstIds.AddRange(batches.Where(b => b.Count > 0).Select(b => b.Reports[0].ReportId));
        }
    }

    public Task AppendAlertsAsync(IReadOnlyList<Alert> alerts, DateTimeOffset recordedAt, CancellationToken cancellation)
    {
        Refuse();
        return inner.AppendAlertsAsync(alerts, recordedAt, cancellation);
    }

    public Task AppendScoresAsync(IReadOnlyList<RiskScoreRecord> scores, CancellationToken cancellation)
    {
        Refuse();
        return inner.AppendScoresAsync(scores, cancellation);
    }

    private void Refuse()
    {
        if (failing)
        {
            throw new IOException("store is down (test)");
        }
    }

    public Task InitializeAsync(CancellationToken cancellation) => inner.InitializeAsync(cancellation);
    public Task<IReadOnlyList<Alert>> QueryAlertsAsync(AlertQuery query, CancellationToken cancellation) => inner.QueryAlertsAsync(query, cancellation);
    public Task AppendGradeChangesAsync(IReadOnlyList<GradeChange> changes, CancellationToken cancellation) => inner.AppendGradeChangesAsync(changes, cancellation);
    public Task<IReadOnlyList<GradeChange>> QueryGradeChangesAsync(string enterpriseId, int limit, CancellationToken cancellation) => inner.QueryGradeChangesAsync(enterpriseId, limit, cancellation);
    public Task ForEachReportIdAsync(DateTimeOffset since, Action<string, string, DateTimeOffset> visit, CancellationToken cancellation) => inner.ForEachReportIdAsync(since, visit, cancellation);
    public Task<long> CountReportsAsync(CancellationToken cancellation) => inner.CountReportsAsync(cancellation);
    public Task AppendSnapshotsAsync(IReadOnlyList<RiskSnapshot> snapshots, CancellationToken cancellation) => inner.AppendSnapshotsAsync(snapshots, cancellation);
    public Task AppendAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellation) => inner.AppendAuditAsync(records, cancellation);
    public Task<IReadOnlyList<TrendPoint>> QueryTrendAsync(TrendQuery query, CancellationToken cancellation) => inner.QueryTrendAsync(query, cancellation);
    public Task<IReadOnlyList<TopRiskRow>> QueryTopRiskAsync(TopRiskQuery query, CancellationToken cancellation) => inner.QueryTopRiskAsync(query, cancellation);
    public Task<IReadOnlyList<HeatCell>> QueryHeatAsync(HeatQuery query, CancellationToken cancellation) => inner.QueryHeatAsync(query, cancellation);
    public Task<AlertStatistics> QueryAlertStatisticsAsync(AlertStatisticsQuery query, CancellationToken cancellation) => inner.QueryAlertStatisticsAsync(query, cancellation);
    public Task<IReadOnlyList<TimelineEntry>> QueryTimelineAsync(TimelineQuery query, CancellationToken cancellation) => inner.QueryTimelineAsync(query, cancellation);
    public Task<IReadOnlyList<AuditRecord>> QueryAuditAsync(AuditQuery query, CancellationToken cancellation) => inner.QueryAuditAsync(query, cancellation);
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Storage.Queries;

namespace Supervision.Storage.History;

/// <summary>The questions analysts, inspectors and the API ask of the history.</summary>
public interface IHistoryQueries
{
    /// <summary>The latest state of each alert that matches <paramref name="query"/>, newest first.</summary>
    Task<IReadOnlyList<Alert>> QueryAlertsAsync(AlertQuery query, CancellationToken cancellation);

    /// <summary>Grade changes of one enterprise, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<GradeChange>> QueryGradeChangesAsync(string enterpriseId, int limit, CancellationToken cancellation);

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

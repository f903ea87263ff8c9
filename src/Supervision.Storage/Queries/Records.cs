using System.Text.Json.Serialization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;

namespace Supervision.Storage.Queries;

/// <summary>One risk score of an enterprise at an event time, with the reasons behind it, most important first.</summary>
/// <param name="ScoreId">Unique id of this score (the idempotency key), e.g. the report or alert id it was computed for.</param>
/// <param name="EnterpriseId">The enterprise (USCC).</param>
/// <param name="Region">Its division code.</param>
/// <param name="Sector">Its sector.</param>
/// <param name="At">Event time the score applies to.</param>
/// <param name="Score">Risk, 0 to 1.</param>
/// <param name="ModelVersion">The model that produced it.</param>
/// <param name="Reasons">Reasons, most important first.</param>
public sealed record RiskScoreRecord(
    string ScoreId, string EnterpriseId, string Region, Sector Sector, DateTimeOffset At, double Score, string ModelVersion,
    IReadOnlyList<ExplanationItem> Reasons)
{
    /// <summary>The feature of the first reason, or empty.</summary>
    public string TopReason => Reasons.Count > 0 ? Reasons[0].Feature : "";

    /// <summary>
    /// The score an alert change carries, as a score of its enterprise at the alert's last-seen time (the
    /// pipeline scores on alert decisions). Its id is the alert id and event version, so re-recording is idempotent.
    /// </summary>
    public static RiskScoreRecord FromAlert(Alert alert) => new(
        alert.AlertId + "@" + History.StoredForms.AlertVersion(alert).ToString(System.Globalization.CultureInfo.InvariantCulture),
        alert.EnterpriseId, alert.Region, alert.Sector, alert.LastSeen, alert.RiskScore, alert.ModelVersion,
        [.. alert.Explanation.OrderByDescending(e => e.Contribution ?? 0)]);
}

/// <summary>An enterprise's risk and grade as of one moment (periodic or on change).</summary>
/// <param name="EnterpriseId">The enterprise (USCC).</param>
/// <param name="Region">Its division code.</param>
/// <param name="Sector">Its sector.</param>
/// <param name="At">Event time of the snapshot; with the enterprise, its idempotency key.</param>
/// <param name="Score">Risk, 0 to 1.</param>
/// <param name="Grade">Credit grade at that time.</param>
/// <param name="ModelVersion">The model that produced the score.</param>
public sealed record RiskSnapshot(string EnterpriseId, string Region, Sector Sector, DateTimeOffset At, double Score, CreditGrade Grade, string ModelVersion);

/// <summary>One analyst query as the audit trail records it.</summary>
/// <param name="At">When it ran.</param>
/// <param name="Caller">Who ran it (the analyst key's name, or <c>anonymous</c>).</param>
/// <param name="Role">The caller's role.</param>
/// <param name="Query">What ran: the path and query string.</param>
/// <param name="Rows">How many rows it returned.</param>
/// <param name="Masked">Whether personal information was masked in the answer.</param>
public sealed record AuditRecord(DateTimeOffset At, string Caller, string Role, string Query, long Rows, bool Masked);

/// <summary>Width of a trend bucket. Buckets are aligned in UTC; weeks start on Monday.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TimeBucket>))]
public enum TimeBucket : byte
{
    [JsonStringEnumMemberName("hour")] Hour = 1,
    [JsonStringEnumMemberName("day")] Day,
    [JsonStringEnumMemberName("week")] Week,
}

/// <summary>What a query looks at: one enterprise, or a jurisdiction prefix, optionally one sector.</summary>
/// <param name="EnterpriseId">One enterprise, or null for all in the jurisdiction.</param>
/// <param name="RegionPrefix">Jurisdiction prefix; empty for everywhere.</param>
/// <param name="Sector">One sector, or null for all.</param>
public sealed record Scope(string? EnterpriseId, string RegionPrefix, Sector? Sector)
{
    /// <summary>Everywhere, every sector.</summary>
    public static Scope Everywhere { get; } = new(null, "", null);

    /// <summary>Only these sectors (as well as <see cref="Sector"/>); empty for any. A caller bound to several sectors is held to them here.</summary>
    public IReadOnlyList<Sector> Sectors { get; init; } = [];
}

/// <summary>Risk trend: score statistics per time bucket in [<paramref name="From"/>, <paramref name="To"/>).</summary>
public sealed record TrendQuery(Scope Scope, DateTimeOffset From, DateTimeOffset To, TimeBucket Bucket);

/// <summary>One bucket of a trend.</summary>
/// <param name="Bucket">Start of the bucket (UTC).</param>
/// <param name="Scores">Scores in the bucket.</param>
/// <param name="MeanScore">Their mean.</param>
/// <param name="MaxScore">Their maximum.</param>
/// <param name="Enterprises">Distinct enterprises scored.</param>
public sealed record TrendPoint(DateTimeOffset Bucket, long Scores, double MeanScore, double MaxScore, long Enterprises);

/// <summary>Top-N riskiest enterprises in [<paramref name="From"/>, <paramref name="To"/>), ranked by maximum score, then mean, then id.</summary>
public sealed record TopRiskQuery(Scope Scope, DateTimeOffset From, DateTimeOffset To, int Limit, int Offset);

/// <summary>How often a reason was the top reason of an enterprise's scores.</summary>
public sealed record ReasonCount(string Feature, long Count);

/// <summary>One enterprise in a top-N answer.</summary>
/// <param name="EnterpriseId">The enterprise.</param>
/// <param name="Region">Its division code.</param>
/// <param name="Sector">Its sector.</param>
/// <param name="MaxScore">Highest score in the period.</param>
/// <param name="MeanScore">Mean score in the period.</param>
/// <param name="Scores">Scores in the period.</param>
/// <param name="Reports">Reports in the period.</param>
/// <param name="TopReasons">Up to three most frequent top reasons, most frequent first.</param>
public sealed record TopRiskRow(
    string EnterpriseId, string Region, Sector Sector, double MaxScore, double MeanScore, long Scores, long Reports,
    IReadOnlyList<ReasonCount> TopReasons);

/// <summary>Region × sector heat over [<paramref name="From"/>, <paramref name="To"/>), regions cut to <paramref name="RegionDigits"/> digits (2, 4 or 6).</summary>
public sealed record HeatQuery(string RegionPrefix, DateTimeOffset From, DateTimeOffset To, int RegionDigits)
{
    /// <summary>Only these sectors; empty for any.</summary>
    public IReadOnlyList<Sector> Sectors { get; init; } = [];
}

/// <summary>One cell of the heat matrix.</summary>
/// <param name="Region">Region prefix of <see cref="HeatQuery.RegionDigits"/> digits.</param>
/// <param name="Sector">The sector.</param>
/// <param name="Enterprises">Distinct enterprises scored.</param>
/// <param name="Scores">Scores.</param>
/// <param name="MeanScore">Mean score.</param>
/// <param name="MaxScore">Highest score.</param>
public sealed record HeatCell(string Region, Sector Sector, long Enterprises, long Scores, double MeanScore, double MaxScore);

/// <summary>Alert statistics of alerts first seen in [<paramref name="From"/>, <paramref name="To"/>) within a scope.</summary>
public sealed record AlertStatisticsQuery(Scope Scope, DateTimeOffset From, DateTimeOffset To);

/// <summary>A count of alerts under one label.</summary>
public sealed record LabelCount(string Label, long Count);

/// <summary>
/// Alert statistics. Times are seconds between the first recorded event of an alert and the first recorded
/// event with status acknowledged (resp. resolved); alerts that never reached that status do not count.
/// </summary>
public sealed record AlertStatistics(
    long Alerts,
    IReadOnlyList<LabelCount> BySeverity,
    IReadOnlyList<LabelCount> ByStatus,
    long Acknowledged,
    double? MeanSecondsToAcknowledge,
    double? P90SecondsToAcknowledge,
    long Resolved,
    double? MeanSecondsToResolve,
    double? P90SecondsToResolve);

/// <summary>An enterprise's timeline in [<paramref name="From"/>, <paramref name="To"/>), newest first, paged.</summary>
public sealed record TimelineQuery(string EnterpriseId, DateTimeOffset From, DateTimeOffset To, int Limit, int Offset);

/// <summary>One entry of a timeline.</summary>
/// <param name="At">Event time.</param>
/// <param name="Type"><c>report</c>, <c>score</c>, <c>alert</c>, <c>grade</c> or <c>snapshot</c>.</param>
/// <param name="Id">Report id, score id, alert id, or the grade or snapshot time.</param>
/// <param name="Summary">One line for people.</param>
/// <param name="Detail">The stored record as JSON (a report's payload, an alert's explanation...).</param>
public sealed record TimelineEntry(DateTimeOffset At, string Type, string Id, string Summary, string Detail);

/// <summary>Audit records in [<paramref name="From"/>, <paramref name="To"/>), optionally of one caller, newest first.</summary>
public sealed record AuditQuery(DateTimeOffset From, DateTimeOffset To, string? Caller, int Limit, int Offset);

using System.Text.Json.Serialization;

namespace Supervision.Domain.Alerts;

/// <summary>How urgently an inspector should look.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity : byte
{
    [JsonStringEnumMemberName("info")] Info = 1,
    [JsonStringEnumMemberName("warning")] Warning,
    [JsonStringEnumMemberName("critical")] Critical,
}

/// <summary>Where an alert is in its lifecycle.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertStatus>))]
public enum AlertStatus : byte
{
    [JsonStringEnumMemberName("open")] Open = 1,
    [JsonStringEnumMemberName("acknowledged")] Acknowledged,
    [JsonStringEnumMemberName("resolved")] Resolved,
}

/// <summary>One reason behind an alert: the feature, its value, the limit that applies and its share of the score.</summary>
/// <param name="Feature">Feature or payload field name.</param>
/// <param name="Value">Observed value.</param>
/// <param name="Limit">The regulatory limit, where a rule applies.</param>
/// <param name="Contribution">Contribution to the risk score, where the model computed one.</param>
public sealed record ExplanationItem(string Feature, double Value, double? Limit, double? Contribution);

/// <summary>
/// An alert as the SignalR contract and the history store see it. A rule and a subject make the dedup
/// <see cref="Key"/>; while the alert is open, new violations raise <see cref="Count"/> and <see cref="LastSeen"/>.
/// </summary>
public sealed record Alert
{
    public required string AlertId { get; init; }
    public required string Key { get; init; }
    public required string EnterpriseId { get; init; }
    public required string Region { get; init; }
    public required Reports.Sector Sector { get; init; }
    public required string Kind { get; init; }
    public required Severity Severity { get; init; }
    public required AlertStatus Status { get; init; }
    public required double RiskScore { get; init; }
    public required string RuleId { get; init; }
    public required string ModelVersion { get; init; }

    /// <summary>The version of the rule set that judged it (<c>rules@</c> and a digest of the rule options and data in force).</summary>
    public string RuleVersion { get; init; } = "";
    public required IReadOnlyList<ExplanationItem> Explanation { get; init; }

    /// <summary>One line an inspector reads first, e.g. "frozen store F-17 at -14.5 °C, above -18 °C for 23 min".</summary>
    public required string Summary { get; init; }

    public required DateTimeOffset FirstSeen { get; init; }
    public required DateTimeOffset LastSeen { get; init; }
    public required int Count { get; init; }
}

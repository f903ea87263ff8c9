using System.Text.Json.Serialization;

namespace Supervision.Domain.Alerts;

/// <summary>Credit supervision grade (信用监管): A is the most trusted; the grade sets how often an enterprise is drawn for inspection.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CreditGrade>))]
public enum CreditGrade : byte
{
    [JsonStringEnumMemberName("A")] A = 1,
    [JsonStringEnumMemberName("B")] B,
    [JsonStringEnumMemberName("C")] C,
    [JsonStringEnumMemberName("D")] D,
}

/// <summary>
/// An enterprise's credit grade changed. A grade is a public sanction, so every change carries the score and
/// the reasons behind it.
/// </summary>
/// <param name="EnterpriseId">The enterprise (USCC).</param>
/// <param name="Region">Its division code.</param>
/// <param name="Sector">Its sector.</param>
/// <param name="From">The grade before, or null for the first grade.</param>
/// <param name="To">The grade now.</param>
/// <param name="Score">The risk score the grade was derived from, 0 to 1.</param>
/// <param name="Reasons">Top reasons, most important first.</param>
/// <param name="ModelVersion">The model that produced the score.</param>
/// <param name="At">Event time of the change.</param>
public sealed record GradeChange(
    string EnterpriseId,
    string Region,
    Reports.Sector Sector,
    CreditGrade? From,
    CreditGrade To,
    double Score,
    IReadOnlyList<ExplanationItem> Reasons,
    string ModelVersion,
    DateTimeOffset At);

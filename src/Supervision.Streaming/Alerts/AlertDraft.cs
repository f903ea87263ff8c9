using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;

namespace Supervision.Streaming.Alerts;

/// <summary>What a rule says about one subject when it raises or updates its alert.</summary>
/// <param name="RuleId">The rule id alerts carry, e.g. <c>haccp.frozen.max</c>.</param>
/// <param name="Subject">The subject within the enterprise (device, batch, commodity/pesticide…); with the rule and enterprise it makes the dedup key.</param>
/// <param name="Severity">How urgent; an open alert keeps the highest severity it reached.</param>
/// <param name="Summary">The one line an inspector reads first.</param>
/// <param name="Evidence">The rule's evidence; the model's top reasons are appended.</param>
/// <param name="FirstSeen">When the condition began (with the key, it makes the alert id, so make it depend on the data only).</param>
/// <param name="LastSeen">The event time of this observation; the enterprise is scored as of it.</param>
/// <param name="Kind">The report kind the alert is about.</param>
/// <param name="Violation">False for anomalies: they count as open alerts but not in the grade's alert history.</param>
/// <param name="Region">Where the subject is (the reporting region of its report); default: the enterprise's first reported region.</param>
public readonly record struct AlertDraft(
    string RuleId,
    string Subject,
    Severity Severity,
    string Summary,
    IReadOnlyList<ExplanationItem> Evidence,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    ReportKind Kind,
    bool Violation = true,
    Domain.Identifiers.RegionCode Region = default);

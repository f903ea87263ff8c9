using System.Globalization;

namespace Supervision.Storage.Queries;

/// <summary>The one-line summaries of timeline entries, shared so every backend words them alike.</summary>
public static class Timeline
{
    /// <summary>A report: kind, subject, metric and value.</summary>
    public static string ReportSummary(string kind, string subject, string metric, double value) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind} {subject} {metric}={value}");

    /// <summary>A score and its model.</summary>
    public static string ScoreSummary(double score, string model) => string.Create(CultureInfo.InvariantCulture, $"risk {score:0.###} ({model})");

    /// <summary>An alert event.</summary>
    public static string AlertSummary(string status, string severity, string summary) => $"{severity} alert {status}: {summary}";

    /// <summary>A grade change.</summary>
    public static string GradeSummary(string from, string to, double score) =>
        string.Create(CultureInfo.InvariantCulture, $"grade {(from.Length == 0 ? "-" : from)} -> {to} (risk {score:0.###})");

    /// <summary>A snapshot.</summary>
    public static string SnapshotSummary(double score, string grade, string model) =>
        string.Create(CultureInfo.InvariantCulture, $"snapshot risk {score:0.###} grade {grade} ({model})");

    /// <summary>An id for entries keyed by time.</summary>
    public static string TimeId(long ms) => StoredFormsTime(ms);

    private static string StoredFormsTime(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}

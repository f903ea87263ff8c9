using Supervision.Domain.Alerts;

namespace Supervision.Storage.Queries;

/// <summary>
/// The parts of analyst queries computed in .NET rather than SQL, so every backend gives the same answer to the
/// last bit: quantiles, top reasons, the merge of timeline sources, bucket arithmetic.
/// </summary>
public static class QueryMath
{
    private const long HourMs = 3_600_000;
    private const long DayMs = 24 * HourMs;

    /// <summary>Bucket width and offset in milliseconds: the start of a bucket is <c>(t - offset) div width * width + offset</c>.</summary>
    public static (long Width, long Offset) Bucket(TimeBucket bucket) => bucket switch
    {
        TimeBucket.Hour => (HourMs, 0),
        TimeBucket.Day => (DayMs, 0),
        // 1970-01-05 was a Monday.
        TimeBucket.Week => (7 * DayMs, 4 * DayMs),
        _ => throw new ArgumentOutOfRangeException(nameof(bucket), bucket, null),
    };

    /// <summary>Linear-interpolation quantile (as <c>quantile_cont</c>) of <paramref name="values"/>; null when empty.</summary>
    public static double? Quantile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return null;
        }
        values.Sort();
        var position = q * (values.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return values[lower] + ((values[upper] - values[lower]) * (position - lower));
    }

    /// <summary>Mean of <paramref name="values"/>; null when empty.</summary>
    public static double? Mean(List<double> values) => values.Count == 0 ? null : values.Sum() / values.Count;

    /// <summary>Up to <paramref name="take"/> reasons per enterprise, most frequent first, then by name.</summary>
    public static Dictionary<string, IReadOnlyList<ReasonCount>> TopReasons(IEnumerable<(string Enterprise, string Feature, long Count)> rows, int take = 3) =>
        rows.Where(r => r.Feature.Length > 0)
            .GroupBy(r => r.Enterprise, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyList<ReasonCount>)g.OrderByDescending(r => r.Count).ThenBy(r => r.Feature, StringComparer.Ordinal)
                    .Take(take).Select(r => new ReasonCount(r.Feature, r.Count)).ToList(),
                StringComparer.Ordinal);

    /// <summary>One alert's lifecycle as the statistics need it.</summary>
    /// <param name="Severity">Severity of its latest event.</param>
    /// <param name="Status">Status of its latest event.</param>
    /// <param name="OpenedMs">First recorded event.</param>
    /// <param name="AcknowledgedMs">First recorded acknowledged event, or null.</param>
    /// <param name="ResolvedMs">First recorded resolved event, or null.</param>
    public readonly record struct AlertLife(Severity Severity, AlertStatus Status, long OpenedMs, long? AcknowledgedMs, long? ResolvedMs);

    /// <summary>Counts and times of <paramref name="alerts"/>.</summary>
    public static AlertStatistics Statistics(IReadOnlyCollection<AlertLife> alerts)
    {
        var bySeverity = Enum.GetValues<Severity>()
            .Select(s => new LabelCount(History.StoredForms.Wire(s), alerts.LongCount(a => a.Severity == s))).ToList();
        var byStatus = Enum.GetValues<AlertStatus>()
            .Select(s => new LabelCount(History.StoredForms.Wire(s), alerts.LongCount(a => a.Status == s))).ToList();
        var ack = alerts.Where(a => a.AcknowledgedMs is not null).Select(a => (a.AcknowledgedMs!.Value - a.OpenedMs) / 1000.0).ToList();
        var resolve = alerts.Where(a => a.ResolvedMs is not null).Select(a => (a.ResolvedMs!.Value - a.OpenedMs) / 1000.0).ToList();
        return new AlertStatistics(
            alerts.Count, bySeverity, byStatus,
            ack.Count, Mean(ack), Quantile(ack, 0.9),
            resolve.Count, Mean(resolve), Quantile(resolve, 0.9));
    }

    /// <summary>Newest first, then by type, id and summary, one page.</summary>
    public static IReadOnlyList<TimelineEntry> Page(IEnumerable<TimelineEntry> entries, int offset, int limit) =>
        entries.OrderByDescending(e => e.At)
            .ThenBy(e => e.Type, StringComparer.Ordinal)
            .ThenBy(e => e.Id, StringComparer.Ordinal)
            .ThenBy(e => e.Summary, StringComparer.Ordinal)
            .Skip(offset).Take(limit).ToList();
}

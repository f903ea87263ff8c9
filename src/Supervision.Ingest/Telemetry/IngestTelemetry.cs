using System.Diagnostics;
using System.Diagnostics.Metrics;
using Supervision.Domain.Reports;
using Supervision.Ingest.Decoding;
using Supervision.Ingest.Validation;

namespace Supervision.Ingest.Telemetry;

/// <summary>
/// Ingest figures (meter <see cref="Name"/>): reports accepted, duplicated and rejected by kind, reason and format,
/// write-ahead log flush latency and queue depth; and the activity source for decode and log-append spans. Tags
/// carry only bounded values (known kinds, envelope field names), never what a sender wrote.
/// </summary>
public sealed class IngestTelemetry
{
    public const string Name = "Supervision.Ingest";

    private static readonly string[] Formats = ["json", "ndjson", "csv", "arrow"];
    private readonly Counter<long> _reports;
    private readonly Histogram<double> _walFlush;

    public IngestTelemetry(IMeterFactory meters)
    {
        Meter = meters.Create(Name);
        _reports = Meter.CreateCounter<long>("supervision.ingest.reports", "{report}", "Reports received: outcome accepted, duplicate or rejected; kind (accepted, duplicate) or reason (rejected)");
        _walFlush = Meter.CreateHistogram<double>("supervision.wal.flush.duration", "s", "Write-ahead log group commit: write and flush to disk",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
    }

    /// <summary>Spans of the ingest path: <c>ingest.decode</c>, <c>wal.append</c>.</summary>
    public static ActivitySource Source { get; } = new(Name);

    /// <summary>The meter, for gauges the log registers over its own state.</summary>
    public Meter Meter { get; }

    /// <summary>Counts new reports by kind.</summary>
    public void Accepted(ReadOnlySpan<Report> reports, BodyFormat format) => ByKind(reports, "accepted", format);

    /// <summary>Counts reports already seen by kind.</summary>
    public void Duplicates(ReadOnlySpan<Report> reports, BodyFormat format) => ByKind(reports, "duplicate", format);

    /// <summary>Counts rejected records by reason: the envelope field of their first error, <c>payload</c>, or <c>malformed</c>.</summary>
    public void Rejected(IReadOnlyList<RecordError> rejected, BodyFormat format)
    {
        if (rejected.Count == 0)
        {
            return;
        }
        var byReason = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in rejected)
        {
            var reason = Reason(record.Errors.Count == 0 ? "" : record.Errors[0].Field);
            byReason[reason] = byReason.GetValueOrDefault(reason) + 1;
        }
        foreach (var (reason, count) in byReason)
        {
            _reports.Add(count, new("outcome", "rejected"), new("reason", reason), new("format", Formats[(int)format]));
        }
    }

    /// <summary>One group commit of the log took <paramref name="elapsed"/>.</summary>
    public void WalFlushed(TimeSpan elapsed) => _walFlush.Record(elapsed.TotalSeconds);

    private void ByKind(ReadOnlySpan<Report> reports, string outcome, BodyFormat format)
    {
        Span<int> counts = stackalloc int[256];
        foreach (ref readonly var report in reports)
        {
            counts[(byte)report.Kind]++;
        }
        for (var k = 0; k < counts.Length; k++)
        {
            if (counts[k] > 0)
            {
                _reports.Add(counts[k], new("outcome", outcome), new("kind", ((ReportKind)k).Name()), new("format", Formats[(int)format]));
            }
        }
    }

    private static string Reason(string field) => field switch
    {
        "reportId" or "enterpriseId" or "region" or "sector" or "kind" or "observedAt" or "payload" => field,
        ReportDecoder.WholeRecord or ReportDecoder.WholeRow or "" => "malformed",
        _ when field.StartsWith("payload.", StringComparison.Ordinal) => "payload",
        _ => "other",
    };
}

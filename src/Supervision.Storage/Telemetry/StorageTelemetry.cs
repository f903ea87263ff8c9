using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Supervision.Storage.Telemetry;

/// <summary>
/// History store figures (meter <see cref="Name"/>): rows written by kind, write latency, writes pending and spilled;
/// and the activity source for <c>store.write</c> spans, linked to the traces of the batches they carry.
/// </summary>
public sealed class StorageTelemetry
{
    public const string Name = "Supervision.Storage";

    private readonly Counter<long> _rows;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _spilled;

    public StorageTelemetry(IMeterFactory meters)
    {
        Meter = meters.Create(Name);
        _rows = Meter.CreateCounter<long>("supervision.store.rows", "{row}", "Rows written to the history store by kind (reports, alerts, scores, ...)");
        _duration = Meter.CreateHistogram<double>("supervision.store.write.duration", "s", "One write to the history store",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _spilled = Meter.CreateCounter<long>("supervision.store.spilled", "{write}", "Writes spilled to disk while the store was unreachable");
    }

    /// <summary>Spans of the writer: <c>store.write</c>.</summary>
    public static ActivitySource Source { get; } = new(Name);

    /// <summary>The meter, for gauges the writer registers over its own state.</summary>
    public Meter Meter { get; }

    /// <summary>One write of <paramref name="rows"/> rows of <paramref name="kind"/> took <paramref name="elapsed"/>.</summary>
    public void Written(string kind, int rows, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        _rows.Add(rows, tag);
        _duration.Record(elapsed.TotalSeconds, tag);
    }

    /// <summary>A write went to the spill directory instead.</summary>
    public void Spilled(string kind) => _spilled.Add(1, new KeyValuePair<string, object?>("kind", kind));
}

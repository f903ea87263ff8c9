using System.Diagnostics;
using System.Diagnostics.Metrics;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;

namespace Supervision.Streaming.Telemetry;

/// <summary>
/// Engine figures (meter <see cref="Name"/>): lag from a batch's arrival to the engine taking it, reports processed,
/// alerts raised by rule and severity; and the activity source for the <c>pipeline.process</c> span that
/// continues a report's trace from its HTTP request.
/// </summary>
public sealed class StreamingTelemetry
{
    public const string Name = "Supervision.Streaming";

    private readonly Histogram<double> _lag;
    private readonly Counter<long> _reports;
    private readonly Counter<long> _alerts;

    public StreamingTelemetry(IMeterFactory meters)
    {
        Meter = meters.Create(Name);
        _lag = Meter.CreateHistogram<double>("supervision.engine.lag", "s", "From a batch's arrival at the server to the engine taking it",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _reports = Meter.CreateCounter<long>("supervision.engine.reports", "{report}", "Reports the engine has processed");
        _alerts = Meter.CreateCounter<long>("supervision.alerts", "{alert}", "Alerts raised, by rule and severity");
    }

    /// <summary>Spans of the engine: <c>pipeline.process</c>.</summary>
    public static ActivitySource Source { get; } = new(Name);

    /// <summary>The meter, for gauges the host registers over its queues.</summary>
    public Meter Meter { get; }

    /// <summary>The engine takes <paramref name="batch"/> at <paramref name="now"/>.</summary>
    public void Processing(ReportBatch batch, DateTimeOffset now)
    {
        _lag.Record(Math.Max(0, (now - batch.ReceivedAt).TotalSeconds));
        _reports.Add(batch.Count);
    }

    /// <summary>Counts the alerts among <paramref name="changes"/> that are new (later changes repeat or update them).</summary>
    public void AlertsChanged(IReadOnlyList<Alert> changes)
    {
        foreach (var alert in changes)
        {
            if (alert.Count == 1 && alert.Status == AlertStatus.Open)
            {
                _alerts.Add(1, new("rule", alert.RuleId), new("severity", alert.Severity.ToString().ToLowerInvariant()));
            }
        }
    }
}

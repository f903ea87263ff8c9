namespace Supervision.Streaming.Rules;

/// <summary>How long state that can no longer matter is kept before it is evicted (gauges show what is held).</summary>
public sealed class RetentionOptions
{
    /// <summary>A subject (logger, series, sample subject, unit) without reports for this long and with nothing open is forgotten.</summary>
    public TimeSpan IdleSubject { get; set; } = TimeSpan.FromDays(8);

    /// <summary>A batch is forgotten this long after its expiry when nothing about it is open.</summary>
    public TimeSpan BatchAfterExpiry { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A trace chain without reports for this long is forgotten.</summary>
    public TimeSpan IdleTraceChain { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often eviction runs, in event time.</summary>
    public TimeSpan SweepEvery { get; set; } = TimeSpan.FromHours(1);

    public string? Validate() =>
        IdleSubject < TimeSpan.FromDays(1) ? "Rules:Retention:IdleSubject must be at least a day (the longest window)"
        : BatchAfterExpiry < TimeSpan.Zero ? "Rules:Retention:BatchAfterExpiry must not be negative"
        : IdleTraceChain < TimeSpan.FromDays(1) ? "Rules:Retention:IdleTraceChain must be at least a day"
        : SweepEvery <= TimeSpan.Zero ? "Rules:Retention:SweepEvery must be positive" : null;
}

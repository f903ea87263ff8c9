namespace Supervision.Streaming.Rules;

/// <summary>Traceability chains (<c>agri.origin</c>).</summary>
public sealed class TraceabilityOptions
{
    /// <summary>How long a link may wait for its predecessor's report (reports can arrive out of order) before the chain counts as broken.</summary>
    public TimeSpan BreakGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Share by which the quantity passed on may exceed the quantity received (weighing tolerance).</summary>
    public double QuantityTolerance { get; set; } = 0.01;

    public string? Validate() =>
        BreakGrace < TimeSpan.Zero ? "Rules:Traceability:BreakGrace must not be negative"
        : QuantityTolerance is < 0 or > 1 ? "Rules:Traceability:QuantityTolerance must be from 0 to 1" : null;
}

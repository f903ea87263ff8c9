namespace Supervision.Streaming.Rules;

/// <summary>Equipment faults from telemetry (TSG): door faults, overspeed, pressure over the rating.</summary>
public sealed class FaultOptions
{
    /// <summary>An elevator at this multiple of its rated speed has overspeed (the safety gear trips at 115 %).</summary>
    public double OverspeedFactor { get; set; } = 1.15;

    /// <summary>A door fault that lasts this long becomes critical.</summary>
    public TimeSpan DoorFaultCritical { get; set; } = TimeSpan.FromMinutes(30);

    public string? Validate() =>
        !(OverspeedFactor > 1) ? "Rules:Faults:OverspeedFactor must be above 1"
        : DoorFaultCritical <= TimeSpan.Zero ? "Rules:Faults:DoorFaultCritical must be positive" : null;
}

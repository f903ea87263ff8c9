using Supervision.Scoring.Anomaly;

namespace Supervision.Streaming.Rules;

/// <summary>Regulatory limits and judgement periods the rules apply (DOMAIN.md "Regulatory rules with sources").</summary>
public sealed class RuleOptions
{
    /// <summary>HACCP critical limit for frozen storage: at most this temperature, °C.</summary>
    public double FrozenMaxC { get; set; } = -18;

    /// <summary>Lower limit for chilled storage, °C.</summary>
    public double ChilledMinC { get; set; }

    /// <summary>Upper limit for chilled storage, °C; guidance varies between 4 and 5.</summary>
    public double ChilledMaxC { get; set; } = 4;

    /// <summary>An excursion becomes an alert once it has lasted this long in event time.</summary>
    public TimeSpan MinExcursion { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An excursion that lasts this long is critical.</summary>
    public TimeSpan CriticalExcursion { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>Longest gap between two readings that still counts as one continuous observation.</summary>
    public TimeSpan MaxReadingGap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The streaming anomaly detector run on every numeric sensor series (cold-chain temperature, equipment telemetry).</summary>
    public AnomalyOptions Anomaly { get; set; } = new();

    /// <summary>Anomaly score at which a series opens an anomaly alert.</summary>
    public double AnomalyAlertScore { get; set; } = 0.9;

    /// <summary>Anomaly score under which an open anomaly alert resolves.</summary>
    public double AnomalyResolveScore { get; set; } = 0.3;

    /// <summary>Credit grade thresholds.</summary>
    public GradingOptions Grading { get; set; } = new();

    /// <summary>Checks the values; returns the first problem, naming the key, or null.</summary>
    public string? Validate()
    {
        if (!(AnomalyResolveScore > 0 && AnomalyResolveScore < AnomalyAlertScore && AnomalyAlertScore <= 1))
        {
            return "Rules:AnomalyResolveScore must be above 0 and below Rules:AnomalyAlertScore, which must be at most 1";
        }
        if (Grading.Validate() is { } grading)
        {
            return grading;
        }
        if (ChilledMinC >= ChilledMaxC)
        {
            return "Rules:ChilledMinC must be below Rules:ChilledMaxC";
        }
        if (MinExcursion <= TimeSpan.Zero)
        {
            return "Rules:MinExcursion must be positive";
        }
        if (CriticalExcursion < MinExcursion)
        {
            return "Rules:CriticalExcursion must not be shorter than Rules:MinExcursion";
        }
        return MaxReadingGap <= TimeSpan.Zero ? "Rules:MaxReadingGap must be positive" : null;
    }
}

/// <summary>Rule identifiers as alerts carry them.</summary>
public static class RuleIds
{
    public const string FrozenMax = "haccp.frozen.max";
    public const string ChilledRange = "haccp.chilled.range";
    public const string ElevatorTrapped = "tsg.elevator.trapped";
    public const string ColdChainAnomaly = "anomaly.coldchain.temperature";
    public const string TelemetryAnomaly = "anomaly.equipment.telemetry";
}

namespace Supervision.Scoring.Anomaly;

/// <summary>Settings of <see cref="OnlineAnomalyDetector"/>. The defaults hold for any sampling interval and scale.</summary>
public sealed class AnomalyOptions
{
    /// <summary>Readings a series is learned from before any score is given.</summary>
    public int Warmup { get; set; } = 30;

    /// <summary>How fast the short-term level follows the series, per reading (time constant 1/LevelRate readings).</summary>
    public double LevelRate { get; set; } = 0.1;

    /// <summary>Readings the calibration remembers: how rare a value was is judged against about this many recent readings.</summary>
    public int TailMemory { get; set; } = 10_000;

    /// <summary>Identical readings in a row before a stuck sensor may score; it scores only once the run is longer than any the series showed before.</summary>
    public int StuckRun { get; set; } = 5;

    /// <summary>Checks the settings; returns the first problem, naming the key under <paramref name="prefix"/>, or null.</summary>
    public string? Validate(string prefix)
    {
        if (Warmup is < 3 or > 1_000_000)
        {
            return $"{prefix}:Warmup must be from 3 to 1000000 readings";
        }
        if (!(LevelRate > 0 && LevelRate < 1))
        {
            return $"{prefix}:LevelRate must be above 0 and below 1";
        }
        if (TailMemory is < 100 or > 10_000_000)
        {
            return $"{prefix}:TailMemory must be from 100 to 10000000 readings";
        }
        if (StuckRun is < 2 or > 1_000_000)
        {
            return $"{prefix}:StuckRun must be from 2 to 1000000 readings";
        }
        return null;
    }
}

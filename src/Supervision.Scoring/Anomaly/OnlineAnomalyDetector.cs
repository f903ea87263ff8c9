namespace Supervision.Scoring.Anomaly;

/// <summary>Settings of <see cref="OnlineAnomalyDetector"/>; the defaults suit one reading a minute.</summary>
public sealed class AnomalyOptions
{
    /// <summary>Readings used to learn level and spread before any score is given.</summary>
    public int Warmup { get; set; } = 30;

    /// <summary>How fast the expected level follows the series, per reading (time constant 1/LevelRate readings).</summary>
    public double LevelRate { get; set; } = 0.05;

    /// <summary>How fast the spread estimate follows the series, per reading.</summary>
    public double SpreadRate { get; set; } = 0.01;

    /// <summary>Residual, in spreads, scored 0.5 by the point test.</summary>
    public double PointZ { get; set; } = 5;

    /// <summary>CUSUM slack per reading, in spreads: smaller biases are noise.</summary>
    public double CusumSlack { get; set; } = 1.0;

    /// <summary>CUSUM sum scored 0.5: a persistent bias of a few spreads reaches it in a few readings.</summary>
    public double CusumLimit { get; set; } = 10;

    /// <summary>Readings the CUSUM may stay over its limit before the level is moved to the new value (a level shift is accepted as the new normal).</summary>
    public int ReanchorAfter { get; set; } = 30;

    /// <summary>Identical readings in a row at which a stuck sensor starts to score; twice as many score 1.</summary>
    public int StuckRun { get; set; } = 8;
}

/// <summary>
/// Per-series state of <see cref="OnlineAnomalyDetector"/>: a plain struct, so the pipeline keeps one per
/// device in an array and updates it in place without allocating.
/// </summary>
public struct AnomalyState
{
    internal int Seen;
    internal double Level;
    internal double Spread;
    internal double CusumUp;
    internal double CusumDown;
    internal int OverLimit;
    internal double Last;
    internal int Repeats;

    /// <summary>The value the detector expected at the last reading.</summary>
    public readonly double Expected => Level;

    /// <summary>Its current spread estimate (about one standard deviation of normal noise).</summary>
    public readonly double Sigma => Spread;

    /// <summary>Writes the state (engine snapshots); <see cref="ReadFrom"/> restores it exactly.</summary>
    public readonly void WriteTo(BinaryWriter writer)
    {
        writer.Write(Seen);
        writer.Write(Level);
        writer.Write(Spread);
        writer.Write(CusumUp);
        writer.Write(CusumDown);
        writer.Write(OverLimit);
        writer.Write(Last);
        writer.Write(Repeats);
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote.</summary>
    public static AnomalyState ReadFrom(BinaryReader reader) => new()
    {
        Seen = reader.ReadInt32(),
        Level = reader.ReadDouble(),
        Spread = reader.ReadDouble(),
        CusumUp = reader.ReadDouble(),
        CusumDown = reader.ReadDouble(),
        OverLimit = reader.ReadInt32(),
        Last = reader.ReadDouble(),
        Repeats = reader.ReadInt32(),
    };
}

/// <summary>
/// Streaming anomaly detector for one numeric sensor series. The score of a reading uses only that reading and
/// the state built from earlier ones; the state adapts as readings arrive, so nothing is retrained.
/// </summary>
/// <remarks>
/// Three tests, each mapped to [0, 1]; the score is the largest:
/// <list type="bullet">
/// <item><b>Point</b>: the residual from a robust exponentially weighted level, in units of a robust spread (mean
/// absolute residual × 1.25). Updates are clipped at 3 spreads, so a spike barely moves the level; slow drift and
/// daily cycles are followed because the level's time constant (20 readings by default) is short against them.</item>
/// <item><b>CUSUM</b> over the standardised residuals: catches a bias too small for the point test but persistent,
/// such as a fast ramp the level lags behind or the first minutes of a level shift. After
/// <see cref="AnomalyOptions.ReanchorAfter"/> readings over its limit the level jumps to the new value: a lasting
/// shift becomes the new normal.</item>
/// <item><b>Stuck</b>: a run of identical readings, which a live sensor with noise almost never produces.</item>
/// </list>
/// </remarks>
public sealed class OnlineAnomalyDetector(AnomalyOptions options)
{
    // Mean absolute deviation of normal noise is 0.8 σ.
    private const double SpreadToSigma = 1.25;

    /// <summary>The settings.</summary>
    public AnomalyOptions Options => options;

    /// <summary>Scores <paramref name="value"/> against <paramref name="state"/>, then learns from it. Returns 0 to 1.</summary>
    public double Update(ref AnomalyState state, double value)
    {
        if (!double.IsFinite(value))
        {
            return 0;
        }
        state.Repeats = state.Seen > 0 && value == state.Last ? state.Repeats + 1 : 0;
        state.Last = value;
        if (state.Seen < options.Warmup)
        {
            Learn(ref state, value);
            return 0;
        }

        var sigma = Math.Max(state.Spread * SpreadToSigma, MinimumSigma(state.Level));
        var residual = value - state.Level;
        var z = residual / sigma;
        var point = Logistic((Math.Abs(z) - options.PointZ) * 1.5);

        // Clipped, so one spike (the point test's job) cannot trip the CUSUM on its own.
        var clippedZ = Math.Clamp(z, -4, 4);
        state.CusumUp = Math.Max(0, state.CusumUp + clippedZ - options.CusumSlack);
        state.CusumDown = Math.Max(0, state.CusumDown - clippedZ - options.CusumSlack);
        var cusum = Math.Max(state.CusumUp, state.CusumDown);
        var drift = Logistic((cusum - options.CusumLimit) * 0.5);

        var stuck = Math.Clamp((double)(state.Repeats + 1 - options.StuckRun) / options.StuckRun, 0, 1);

        state.OverLimit = cusum > options.CusumLimit ? state.OverLimit + 1 : 0;
        if (state.OverLimit >= options.ReanchorAfter)
        {
            state.Level = value;
            state.CusumUp = state.CusumDown = 0;
            state.OverLimit = 0;
        }
        else
        {
            var clipped = Math.Clamp(residual, -3 * sigma, 3 * sigma);
            state.Level += options.LevelRate * clipped;
            state.Spread += options.SpreadRate * (Math.Min(Math.Abs(residual), 4 * sigma) - state.Spread);
        }
        state.Seen++;
        return Math.Max(point, Math.Max(drift, stuck));
    }

    // Warm-up: the level is the running mean; the spread the running mean absolute step between readings.
    private static void Learn(ref AnomalyState state, double value)
    {
        state.Seen++;
        if (state.Seen == 1)
        {
            state.Level = value;
            return;
        }
        state.Spread += (Math.Abs(value - state.Level) - state.Spread) / (state.Seen - 1);
        state.Level += (value - state.Level) / state.Seen;
    }

    // A floor so a series that was perfectly flat in warm-up does not make every later change infinite.
    private static double MinimumSigma(double level) => 1e-3 + (1e-4 * Math.Abs(level));

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));
}

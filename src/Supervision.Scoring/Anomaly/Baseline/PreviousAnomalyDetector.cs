namespace Supervision.Scoring.Anomaly.Baseline;

/// <summary>
/// The anomaly detector the engine ran before <see cref="OnlineAnomalyDetector"/> (issue 15), with its default
/// settings: a robust exponentially weighted level and spread, a point z-test, a two-sided CUSUM and a stuck-value
/// test, each mapped through a fixed logistic, no calibration. Kept only as the baseline that the model card
/// (<c>supervision detect --evaluate</c>) and the benchmark compare the new detector with; nothing else uses it.
/// </summary>
public sealed class PreviousAnomalyDetector
{
    private const int Warmup = 30;
    private const double LevelRate = 0.05;
    private const double SpreadRate = 0.01;
    private const double PointZ = 5;
    private const double CusumSlack = 1.0;
    private const double CusumLimit = 10;
    private const int ReanchorAfter = 30;
    private const int StuckRun = 8;
    private const double SpreadToSigma = 1.25;

    /// <summary>Per-series state: a plain struct, as the engine kept it.</summary>
    public struct State
    {
        internal int Seen;
        internal double Level;
        internal double Spread;
        internal double CusumUp;
        internal double CusumDown;
        internal int OverLimit;
        internal double Last;
        internal int Repeats;
    }

    /// <summary>Scores <paramref name="value"/> against <paramref name="state"/>, then learns from it. Returns 0 to 1.</summary>
    public static double Update(ref State state, double value)
    {
        if (!double.IsFinite(value))
        {
            return 0;
        }
        state.Repeats = state.Seen > 0 && value == state.Last ? state.Repeats + 1 : 0;
        state.Last = value;
        if (state.Seen < Warmup)
        {
            Learn(ref state, value);
            return 0;
        }

        var sigma = Math.Max(state.Spread * SpreadToSigma, 1e-3 + (1e-4 * Math.Abs(state.Level)));
        var residual = value - state.Level;
        var z = residual / sigma;
        var point = Logistic((Math.Abs(z) - PointZ) * 1.5);

        var clippedZ = Math.Clamp(z, -4, 4);
        state.CusumUp = Math.Max(0, state.CusumUp + clippedZ - CusumSlack);
        state.CusumDown = Math.Max(0, state.CusumDown - clippedZ - CusumSlack);
        var cusum = Math.Max(state.CusumUp, state.CusumDown);
        var drift = Logistic((cusum - CusumLimit) * 0.5);

        var stuck = Math.Clamp((double)(state.Repeats + 1 - StuckRun) / StuckRun, 0, 1);

        state.OverLimit = cusum > CusumLimit ? state.OverLimit + 1 : 0;
        if (state.OverLimit >= ReanchorAfter)
        {
            state.Level = value;
            state.CusumUp = state.CusumDown = 0;
            state.OverLimit = 0;
        }
        else
        {
            var clipped = Math.Clamp(residual, -3 * sigma, 3 * sigma);
            state.Level += LevelRate * clipped;
            state.Spread += SpreadRate * (Math.Min(Math.Abs(residual), 4 * sigma) - state.Spread);
        }
        state.Seen++;
        return Math.Max(point, Math.Max(drift, stuck));
    }

    private static void Learn(ref State state, double value)
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

    private static double Logistic(double x) => 1 / (1 + Math.Exp(-x));
}

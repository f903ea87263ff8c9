namespace Supervision.Cli.Anomaly;

/// <summary>
/// Scores a detector's readings the way streaming detectors are scored (after the Numenta Anomaly Benchmark's
/// published scoring rules; our own code and windows, not its data): each labelled anomaly is a window, widened
/// before its start by a tenth of its length (at least one reading) because labels start late; the first reading
/// in a window at or over the threshold earns a reward that falls from about 0.99 at the window's first reading
/// to 0 at its last (a scaled sigmoid), later ones in the same window earn nothing; a window with none costs 1;
/// every reading over the threshold outside all windows costs <see cref="FalsePositiveCost"/>. The first
/// <see cref="ProbationShare"/> of each series is a probation period, neither rewarded nor penalised.
/// </summary>
public static class WindowScorer
{
    /// <summary>What a false positive costs against a missed window's 1 (NAB's standard profile).</summary>
    public const double FalsePositiveCost = 0.11;

    /// <summary>Share of each series that is probation (learning) time.</summary>
    public const double ProbationShare = 0.15;

    /// <summary>Reward for a flag at a window's first reading.</summary>
    public static readonly double MaxReward = Reward(-1);

    /// <summary>Windows of <paramref name="series"/>: each anomaly with its lead, clipped to the series.</summary>
    public static (int Start, int End, int Labelled)[] Windows(EvaluationSeries series) =>
        [.. series.Anomalies.Select(a => (Math.Max(0, a.Start - Math.Max(1, (a.End - a.Start + 1) / 10)), a.End, a.Start))];

    /// <summary>First reading after the probation period.</summary>
    public static int Probation(int readings) => (int)(readings * ProbationShare);

    /// <summary>Scores <paramref name="scores"/> of <paramref name="series"/> at <paramref name="threshold"/>.</summary>
    public static WindowScore Score(EvaluationSeries series, double[] scores, double threshold)
    {
        var probation = Probation(scores.Length);
        var windows = Windows(series);
        var inWindow = new bool[scores.Length];
        int counted = 0, detected = 0;
        double reward = 0;
        var delays = new List<double>();
        foreach (var (start, end, labelled) in windows)
        {
            for (var t = start; t <= end; t++)
            {
                inWindow[t] = true;
            }
            if (end < probation)
            {
                continue;
            }
            counted++;
            for (var t = Math.Max(start, probation); t <= end; t++)
            {
                if (scores[t] >= threshold)
                {
                    detected++;
                    reward += Reward(((double)(t - start) / (end - start + 1)) - 1);
                    delays.Add(TimeSpan.FromTicks(series.Ticks[t] - series.Ticks[labelled]).TotalSeconds);
                    break;
                }
            }
        }
        long falsePositives = 0;
        for (var t = probation; t < scores.Length; t++)
        {
            if (!inWindow[t] && scores[t] >= threshold)
            {
                falsePositives++;
            }
        }
        return new WindowScore(counted, detected, falsePositives, reward, delays);
    }

    /// <summary>
    /// Readings of normal behaviour: after probation, outside every window and outside a grace period after each
    /// (a tenth of the window, at least 5 readings), where the end of an anomaly may still echo.
    /// </summary>
    public static bool[] Normal(EvaluationSeries series, int readings)
    {
        var normal = new bool[readings];
        for (var t = Probation(readings); t < readings; t++)
        {
            normal[t] = true;
        }
        foreach (var (start, end, _) in Windows(series))
        {
            var grace = Math.Max(5, (end - start + 1) / 10);
            for (var t = start; t <= Math.Min(readings - 1, end + grace); t++)
            {
                normal[t] = false;
            }
        }
        return normal;
    }

    // NAB's scaled sigmoid of the relative position y in the window (-1 its start, 0 its end).
    private static double Reward(double y) => (2 / (1 + Math.Exp(5 * y))) - 1;
}

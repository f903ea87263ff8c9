namespace Supervision.Cli.Anomaly;

/// <summary>Window scoring of one or more series at one threshold (see <see cref="WindowScorer"/>).</summary>
/// <param name="Windows">Anomaly windows scored (those not wholly in the probation period).</param>
/// <param name="Detected">Windows with a reading at or over the threshold.</param>
/// <param name="FalsePositives">Readings at or over the threshold outside every window, after probation.</param>
/// <param name="Reward">Sum of the early-detection rewards of detected windows (each 0 to about 0.99).</param>
/// <param name="DelaySeconds">Seconds from each detected anomaly's labelled start to its first flag (negative: flagged in the lead before it).</param>
public sealed record WindowScore(int Windows, int Detected, long FalsePositives, double Reward, IReadOnlyList<double> DelaySeconds)
{
    /// <summary>Reward less a point per missed window and <see cref="WindowScorer.FalsePositiveCost"/> per false positive.</summary>
    public double Raw => Reward - (Windows - Detected) - (WindowScorer.FalsePositiveCost * FalsePositives);

    /// <summary>0 for a detector that never flags, 100 for one that flags every window at its first reading and nothing else; negative when its false positives cost more than its detections earn.</summary>
    public double Normalised => Windows == 0 ? 0 : 100 * (Raw + Windows) / ((WindowScorer.MaxReward * Windows) + Windows);

    /// <summary>Detected ÷ windows.</summary>
    public double Recall => Windows == 0 ? 0 : (double)Detected / Windows;

    /// <summary>Median of <see cref="DelaySeconds"/>, NaN when nothing was detected.</summary>
    public double MedianDelaySeconds
    {
        get
        {
            if (DelaySeconds.Count == 0)
            {
                return double.NaN;
            }
            var sorted = DelaySeconds.Order().ToArray();
            return sorted[sorted.Length / 2];
        }
    }

    /// <summary>The sum of two scores (of different series).</summary>
    public static WindowScore operator +(WindowScore a, WindowScore b) =>
        new(a.Windows + b.Windows, a.Detected + b.Detected, a.FalsePositives + b.FalsePositives, a.Reward + b.Reward, [.. a.DelaySeconds, .. b.DelaySeconds]);

    /// <summary>Nothing scored.</summary>
    public static WindowScore Empty { get; } = new(0, 0, 0, 0, []);
}

namespace Supervision.Cli.Anomaly;

/// <summary>A detector's figures on one corpus.</summary>
/// <param name="Corpus">Its name.</param>
/// <param name="Series">Per series.</param>
/// <param name="Sweep">Corpus-wide window scoring at each threshold of <see cref="AnomalyEvaluation.Thresholds"/>.</param>
/// <param name="Normal">Readings of normal behaviour in the corpus.</param>
/// <param name="NormalAtOrOver">Of those, how many scored at or over each of <see cref="AnomalyEvaluation.CalibrationLevels"/>.</param>
/// <param name="Kinds">Per injected kind (simulator only; empty for real data).</param>
public sealed record CorpusEvaluation(
    string Corpus,
    IReadOnlyList<SeriesEvaluation> Series,
    IReadOnlyList<(double Threshold, WindowScore Score)> Sweep,
    long Normal,
    IReadOnlyList<long> NormalAtOrOver,
    IReadOnlyList<KindEvaluation> Kinds)
{
    /// <summary>Readings in the corpus.</summary>
    public long Readings => Series.Sum(s => s.Readings);

    /// <summary>The corpus-wide score at a threshold of the sweep.</summary>
    public WindowScore At(double threshold) => Sweep.First(s => Math.Abs(s.Threshold - threshold) < 1e-9).Score;

    /// <summary>The threshold with the best normalised score, as benchmarks that tune one threshold per detector report it.</summary>
    public (double Threshold, WindowScore Score) Best => Sweep.MaxBy(s => s.Score.Normalised);

    /// <summary>Share of normal readings scored 0.9 or more.</summary>
    public double FalsePositiveRate09 => Normal == 0 ? 0 : (double)NormalAtOrOver[AnomalyEvaluation.AlertLevel] / Normal;
}

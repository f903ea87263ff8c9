namespace Supervision.Cli.Anomaly;

/// <summary>Figures of one series at the alert threshold 0.9 and at 0.5.</summary>
/// <param name="Name">The series.</param>
/// <param name="Readings">Its readings.</param>
/// <param name="At09">Window scoring at 0.9.</param>
/// <param name="At05">Window scoring at 0.5.</param>
/// <param name="Normal">Readings of normal behaviour (see <see cref="WindowScorer.Normal"/>).</param>
/// <param name="Flagged09">Of those, scored 0.9 or more.</param>
public sealed record SeriesEvaluation(string Name, long Readings, WindowScore At09, WindowScore At05, long Normal, long Flagged09);

/// <summary>Recall and delay of one injected kind (simulator).</summary>
/// <param name="Kind">The kind.</param>
/// <param name="At09">Its windows at 0.9 (false positives not counted here).</param>
/// <param name="At05">Its windows at 0.5.</param>
public sealed record KindEvaluation(string Kind, WindowScore At09, WindowScore At05);

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

/// <summary>One detector on both corpora.</summary>
/// <param name="Detector">Its name.</param>
/// <param name="Real">On the real labelled corpus.</param>
/// <param name="Simulated">On labelled simulator series.</param>
public sealed record DetectorEvaluation(string Detector, CorpusEvaluation Real, CorpusEvaluation Simulated);

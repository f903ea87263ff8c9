namespace Supervision.Cli.Anomaly;

/// <summary>Figures of one series at the alert threshold 0.9 and at 0.5.</summary>
/// <param name="Name">The series.</param>
/// <param name="Readings">Its readings.</param>
/// <param name="At09">Window scoring at 0.9.</param>
/// <param name="At05">Window scoring at 0.5.</param>
/// <param name="Normal">Readings of normal behaviour (see <see cref="WindowScorer.Normal"/>).</param>
/// <param name="Flagged09">Of those, scored 0.9 or more.</param>
public sealed record SeriesEvaluation(string Name, long Readings, WindowScore At09, WindowScore At05, long Normal, long Flagged09);

namespace Supervision.Cli.Anomaly;

/// <summary>What <see cref="SeriesCsvScorer"/> found in one series file.</summary>
/// <param name="Readings">Rows scored (missing values included).</param>
/// <param name="Missing">Rows whose value was empty or NaN: written with score 0, not learned from.</param>
/// <param name="MissingLines">The first of those, by line number.</param>
/// <param name="Backwards">Rows whose timestamp is earlier than one before them: scored in file order.</param>
/// <param name="BackwardLines">The first of those, by line number.</param>
/// <param name="Problems">Rows that could not be read, as "line N: what" (at most <see cref="SeriesCsvScorer.MaxReported"/>).</param>
/// <param name="BadRows">How many rows could not be read.</param>
public sealed record SeriesScoringResult(
    long Readings,
    long Missing,
    IReadOnlyList<long> MissingLines,
    long Backwards,
    IReadOnlyList<long> BackwardLines,
    IReadOnlyList<string> Problems,
    long BadRows)
{
    /// <summary>Every row was read: the output is complete.</summary>
    public bool Ok => BadRows == 0;
}

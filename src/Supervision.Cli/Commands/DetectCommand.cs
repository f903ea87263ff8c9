using System.Globalization;
using Supervision.Cli.Anomaly;
using Supervision.Scoring.Anomaly;

namespace Supervision.Cli.Commands;

/// <summary>
/// <c>supervision detect</c>: scores a <c>timestamp,value</c> CSV with the streaming anomaly detector in one pass
/// (<see cref="SeriesCsvScorer"/>), or (<c>--evaluate</c>) measures the detector on the real labelled corpus and on
/// simulator series (<see cref="AnomalyEvaluation"/>) and writes its card. This class only reads arguments and
/// moves files.
/// </summary>
public static class DetectCommand
{
    public const string Help = """
        usage: supervision detect --input series.csv --output scored.csv
               supervision detect --evaluate [--card models/anomaly.md] [--corpus tests/anomaly-corpus] [--series N] [--days D] [--seed S]

        Scores a numeric sensor series with the online anomaly detector: each reading's score in [0, 1] uses
        only that reading and the ones before it; 0.9 means rarer than 1 in 10,000 for this series. The input is
        CSV with the header 'timestamp,value' and one reading a row (ISO 8601 timestamps, UTC when they carry no
        offset, or Unix seconds; '.' as decimal point). The output has the header 'timestamp,value,anomaly_score'
        and one row per input row. Timestamps that go back are scored in file order (one warning names the lines);
        an empty value or NaN is a missing reading (score 0); a file with only a header gives only a header. Rows
        that cannot be read are reported with their line number; then nothing is written and the exit code is 1.

          --input FILE      the series to score
          --output FILE     where to write the scored series
          --evaluate        instead, score the detector on the real corpus and simulator series and write its card
          --card FILE       card path for --evaluate (default models/anomaly.md)
          --corpus DIR      real labelled corpus for --evaluate (default tests/anomaly-corpus)
          --series N        simulated series for --evaluate (default 40)
          --days D          days per simulated series (default 3)
          --seed S          random seed for --evaluate (default 42)
        """;

    public static int Run(CommandLine args, TextWriter log, TimeProvider clock)
    {
        var evaluate = args.Flag("evaluate");
        var input = args.String("input");
        var output = args.String("output");
        var card = args.String("card", Path.Combine("models", "anomaly.md"));
        var corpus = args.String("corpus", SkabCorpus.DefaultDirectory);
        var series = args.Int("series", 40, 1, 10_000);
        var days = args.Int("days", 3, 1, 365);
        var seed = args.Int("seed", 42, 0, int.MaxValue);
        args.EnsureAllUsed();
        if (evaluate)
        {
            return Evaluate(corpus, series, days, seed, card, log, clock);
        }
        if (input is null || output is null)
        {
            throw new UsageException("needs --input FILE and --output FILE (or --evaluate)");
        }
        if (!File.Exists(input))
        {
            throw new UsageException($"--input {input} does not exist");
        }
        return Score(input, output, log);
    }

    private static int Evaluate(string corpus, int series, int days, int seed, string card, TextWriter log, TimeProvider clock)
    {
        if (!Directory.Exists(corpus))
        {
            throw new UsageException($"--corpus {corpus} does not exist (run from the repository root, or name the directory)");
        }
        var options = new AnomalyOptions();
        var real = SkabCorpus.Load(corpus);
        log.WriteLine($"detect: evaluating on {real.Count} real series from {corpus} and {series} simulated series of {days} days (seed {seed})");
        var result = AnomalyEvaluation.Run(real, series, days, seed, options);
        foreach (var (name, e) in new[] { ("new", result.Current), ("before", result.Previous) })
        {
            foreach (var c in new[] { e.Real, e.Simulated })
            {
                log.WriteLine(FormattableString.Invariant(
                    $"detect: {name,-6} {c.Corpus,-12} score at 0.9 {c.At(0.9).Normalised,6:0.0}, best {c.Best.Score.Normalised,6:0.0} at {c.Best.Threshold:0.##}; windows {c.At(0.9).Detected}/{c.At(0.9).Windows}; normal readings ≥ 0.9: {c.FalsePositiveRate09:0.#####}"));
            }
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(card))!;
        Directory.CreateDirectory(directory);
        var temporary = card + ".tmp";
        File.WriteAllText(temporary, AnomalyCard.Write(result, options, clock.GetUtcNow()));
        File.Move(temporary, card, overwrite: true);
        log.WriteLine($"detect: card written to {card}");
        return 0;
    }

    // The output goes to a temporary file that replaces the target only when every row was read.
    private static int Score(string input, string output, TextWriter log)
    {
        var scorer = new SeriesCsvScorer(new OnlineAnomalyDetector(new AnomalyOptions()));
        var temporary = output + ".tmp";
        SeriesScoringResult result;
        using (var reader = new StreamReader(input))
        using (var writer = new StreamWriter(temporary))
        {
            result = scorer.Score(reader, writer);
        }
        if (!result.Ok)
        {
            File.Delete(temporary);
            foreach (var problem in result.Problems)
            {
                log.WriteLine($"detect: {input} {problem}");
            }
            log.WriteLine($"detect: {result.BadRows} bad row{(result.BadRows == 1 ? "" : "s")}{(result.BadRows > SeriesCsvScorer.MaxReported ? $" (first {SeriesCsvScorer.MaxReported} shown)" : "")}; nothing written");
            return 1;
        }
        File.Move(temporary, output, overwrite: true);
        if (result.Backwards > 0)
        {
            log.WriteLine($"detect: {input}: {Count(result.Backwards, "timestamp")} earlier than a row before {(result.Backwards == 1 ? "it" : "them")} ({Lines(result.BackwardLines, result.Backwards)}): scored in file order");
        }
        if (result.Missing > 0)
        {
            log.WriteLine($"detect: {input}: {Count(result.Missing, "missing value")} ({Lines(result.MissingLines, result.Missing)}): scored 0");
        }
        log.WriteLine(result.Readings == 0 ? $"detect: {input} has no readings; wrote the header to {output}" : $"detect: {result.Readings} readings scored into {output}");
        return 0;
    }

    private static string Count(long n, string what) => n.ToString("N0", CultureInfo.InvariantCulture) + " " + what + (n == 1 ? "" : "s");

    private static string Lines(IReadOnlyList<long> lines, long total) =>
        (lines.Count == 1 ? "line " : "lines ") + string.Join(", ", lines) + (total > lines.Count ? ", …" : "");
}

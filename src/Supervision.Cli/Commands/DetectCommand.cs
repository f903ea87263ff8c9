using System.Globalization;
using Supervision.Cli.Anomaly;
using Supervision.Scoring.Anomaly;

namespace Supervision.Cli.Commands;

/// <summary>
/// <c>supervision detect</c>: scores a <c>timestamp,value</c> CSV with the streaming anomaly detector in one pass
/// (<see cref="SeriesCsvScorer"/>), or (<c>--evaluate</c>) measures the detector on the real labelled corpus and on
/// simulator series (<see cref="AnomalyEvaluation"/>) and writes its card. This class only reads arguments and
/// moves files; options are in <see cref="Verbs.DetectVerb"/>.
/// </summary>
public static class DetectCommand
{
    /// <summary>Either <see cref="Evaluate"/> (with its card, corpus, series, days and seed) or score <see cref="Input"/> into <see cref="Output"/>.</summary>
    public sealed record Settings(bool Evaluate, string? Input, string? Output, string Card, string Corpus, int Series, int Days, int Seed);

    // Three days of the demo feed: about 3,000 device-days, enough to count alerts per 1,000 device-hours.
    private const int DemoHours = 72;

    public static int Run(Settings settings, TextWriter log, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (evaluate, input, output, card, corpus, series, days, seed) = settings;
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
        var result = AnomalyEvaluation.Run(real, series, days, seed, options, DemoHours);
        foreach (var (name, e) in new[] { ("new", result.Current), ("before", result.Previous) })
        {
            foreach (var c in new[] { e.Real, e.Simulated })
            {
                log.WriteLine(FormattableString.Invariant(
                    $"detect: {name,-6} {c.Corpus,-12} score at 0.9 {c.At(0.9).Normalised,6:0.0}, best {c.Best.Score.Normalised,6:0.0} at {c.Best.Threshold:0.##}; windows {c.At(0.9).Detected}/{c.At(0.9).Windows}; normal readings ≥ 0.9: {c.FalsePositiveRate09:0.#####}"));
            }
        }
        log.WriteLine(FormattableString.Invariant(
            $"detect: engine on the demo feed: {result.Demo.PerThousandDeviceHours:0.0} anomaly alerts per 1,000 device-hours, {result.Demo.UnexplainedPerThousandDeviceHours:0.00} away from injected excursions"));
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

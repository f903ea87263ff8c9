using System.Globalization;
using Supervision.Cli.Anomaly;
using Supervision.Scoring.Anomaly;

namespace Supervision.Cli.Commands;

/// <summary>
/// <c>supervision detect</c>: scores a <c>timestamp,value</c> CSV with the streaming anomaly detector in one pass,
/// or (<c>--evaluate</c>) measures the detector on labelled simulator series and writes its card. Options in <see cref="Verbs.DetectVerb"/>.
/// </summary>
public static class DetectCommand
{
    private const int MaxReported = 20;

    /// <summary>Either <see cref="Evaluate"/> (with its card, series, days and seed) or score <see cref="Input"/> into <see cref="Output"/>.</summary>
    public sealed record Settings(bool Evaluate, string? Input, string? Output, string Card, int Series, int Days, int Seed);

    public static int Run(Settings settings, TextWriter log, TimeProvider clock)
    {
        var (evaluate, input, output, card, series, days, seed) = settings;
        if (evaluate)
        {
            return Evaluate(series, days, seed, card, log, clock);
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

    private static int Evaluate(int series, int days, int seed, string card, TextWriter log, TimeProvider clock)
    {
        var options = new AnomalyOptions();
        log.WriteLine($"detect: evaluating on {series} simulated series of {days} days (seed {seed})");
        var result = AnomalyEvaluation.Run(series, days, seed, options);
        foreach (var k in result.Kinds)
        {
            log.WriteLine(FormattableString.Invariant($"detect:   {k.Kind,-12} recall {k.Recall:0.000} ({k.Detected}/{k.Events}), median delay {k.MedianDelayMinutes:0} min"));
        }
        log.WriteLine(FormattableString.Invariant($"detect: precision {result.Precision:0.000} ({result.TrueAlarms}/{result.Alarms} alarms), recall {result.Recall:0.000}"));
        var directory = Path.GetDirectoryName(Path.GetFullPath(card))!;
        Directory.CreateDirectory(directory);
        var temporary = card + ".tmp";
        File.WriteAllText(temporary, AnomalyEvaluation.Card(result, options, clock.GetUtcNow()));
        File.Move(temporary, card, overwrite: true);
        log.WriteLine($"detect: card written to {card}");
        return 0;
    }

    // One pass: each row is parsed, scored and written before the next is read. Output goes to a temporary file
    // that replaces the target only when every row was good.
    private static int Score(string input, string output, TextWriter log)
    {
        var detector = new OnlineAnomalyDetector(new AnomalyOptions());
        var state = default(AnomalyState);
        var temporary = output + ".tmp";
        var errors = 0;
        var rows = 0;
        using (var reader = new StreamReader(input))
        using (var writer = new StreamWriter(temporary))
        {
            var header = reader.ReadLine();
            if (header is null || !IsHeader(header))
            {
                log.WriteLine($"detect: {input} line 1: expected the header 'timestamp,value', got '{Shorten(header ?? "(empty file)")}'");
                writer.Close();
                File.Delete(temporary);
                return 1;
            }
            writer.WriteLine("timestamp,value,anomaly_score");
            var line = 1;
            DateTimeOffset previous = DateTimeOffset.MinValue;
            var previousLine = 0;
            while (reader.ReadLine() is { } text)
            {
                line++;
                if (text.Length == 0)
                {
                    continue;
                }
                var problem = Parse(text, out var timestampText, out var at, out var valueText, out var value);
                if (problem is null && at < previous)
                {
                    problem = $"timestamp {timestampText} is earlier than line {previousLine}'s";
                }
                if (problem is not null)
                {
                    if (++errors <= MaxReported)
                    {
                        log.WriteLine($"detect: {input} line {line}: {problem}");
                    }
                    continue;
                }
                previous = at;
                previousLine = line;
                var score = detector.Update(ref state, value);
                writer.Write(timestampText);
                writer.Write(',');
                writer.Write(valueText);
                writer.Write(',');
                writer.WriteLine(score.ToString("0.######", CultureInfo.InvariantCulture));
                rows++;
            }
        }
        if (errors > 0)
        {
            File.Delete(temporary);
            log.WriteLine($"detect: {errors} bad row{(errors == 1 ? "" : "s")}{(errors > MaxReported ? $" (first {MaxReported} shown)" : "")}; nothing written");
            return 1;
        }
        File.Move(temporary, output, overwrite: true);
        log.WriteLine($"detect: {rows} readings scored into {output}");
        return 0;
    }

    private static bool IsHeader(string header)
    {
        var parts = header.Split(',');
        return parts.Length == 2
            && string.Equals(parts[0].Trim().Trim('"'), "timestamp", StringComparison.OrdinalIgnoreCase)
            && string.Equals(parts[1].Trim().Trim('"'), "value", StringComparison.OrdinalIgnoreCase);
    }

    private static string? Parse(string text, out string timestampText, out DateTimeOffset at, out string valueText, out double value)
    {
        at = default;
        value = 0;
        var comma = text.IndexOf(',', StringComparison.Ordinal);
        timestampText = comma < 0 ? text : text[..comma].Trim();
        valueText = comma < 0 ? "" : text[(comma + 1)..].Trim();
        if (comma < 0 || valueText.Contains(',', StringComparison.Ordinal))
        {
            return $"expected 2 fields 'timestamp,value', got '{Shorten(text)}'";
        }
        if (!DateTimeOffset.TryParse(timestampText.Trim('"'), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out at))
        {
            return $"'{Shorten(timestampText)}' is not a timestamp (use ISO 8601, e.g. 2026-11-27T09:00:00+08:00)";
        }
        if (!double.TryParse(valueText.Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            return $"'{Shorten(valueText)}' is not a number";
        }
        return null;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}

using System.Globalization;
using Supervision.Scoring.Anomaly;

namespace Supervision.Cli.Anomaly;

/// <summary>
/// Scores a <c>timestamp,value</c> CSV series with <see cref="OnlineAnomalyDetector"/> in one pass and writes
/// <c>timestamp,value,anomaly_score</c>: each row is read, scored and written before the next is read, so memory
/// stays the same whatever the file's length. Timestamps and values are written back as they were read.
/// </summary>
/// <remarks>
/// Real loggers write odd files, and none of these stops the scoring: a timestamp earlier than one before it (a
/// clock reset, a daylight-saving change, a replay) is scored in file order, as no time passing; gaps are the
/// detector's to judge; an empty value or NaN is a missing reading, written with score 0; a file with only a
/// header gives only a header. What cannot be read (a timestamp or a number that is neither, a row of the wrong
/// shape, a wrong header) is a bad row, reported by line number.
/// </remarks>
public sealed class SeriesCsvScorer(OnlineAnomalyDetector detector)
{
    /// <summary>Problems and line numbers kept for the report; the counts go on past them.</summary>
    public const int MaxReported = 20;

    /// <summary>The output header.</summary>
    public const string OutputHeader = "timestamp,value,anomaly_score";

    /// <summary>Reads <paramref name="input"/> to its end, writing scored rows to <paramref name="output"/>.</summary>
    public SeriesScoringResult Score(TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var problems = new List<string>();
        var missingLines = new List<long>();
        var backwardLines = new List<long>();
        long badRows = 0, readings = 0, missing = 0, backwards = 0, line = 0;

        string? header;
        do
        {
            header = input.ReadLine();
            line++;
        }
        while (header is not null && header.Trim().Length == 0);
        output.WriteLine(OutputHeader);
        if (header is null)
        {
            return new SeriesScoringResult(0, 0, missingLines, 0, backwardLines, problems, 0);
        }
        if (!IsHeader(header))
        {
            problems.Add($"line {line}: expected the header 'timestamp,value', got '{Shorten(header)}'");
            return new SeriesScoringResult(0, 0, missingLines, 0, backwardLines, problems, 1);
        }

        var state = default(AnomalyState);
        var latest = long.MinValue;
        while (input.ReadLine() is { } text)
        {
            line++;
            var row = text.AsSpan();
            if (row.Trim().IsEmpty)
            {
                continue;
            }
            var comma = row.IndexOf(',');
            if (comma < 0 || row[(comma + 1)..].Contains(','))
            {
                Bad($"expected 2 fields 'timestamp,value', got '{Shorten(text)}'");
                continue;
            }
            var timestampText = row[..comma];
            var valueText = row[(comma + 1)..];
            if (!TimestampParser.TryParse(timestampText, out var ticks))
            {
                Bad($"'{Shorten(timestampText.Trim().ToString())}' is not a timestamp (use ISO 8601, e.g. 2026-11-27T09:00:00+08:00, or Unix seconds)");
                continue;
            }
            var isMissing = IsMissing(valueText);
            var value = double.NaN;
            if (!isMissing && (!double.TryParse(valueText.Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value)))
            {
                Bad($"'{Shorten(valueText.Trim().ToString())}' is not a number");
                continue;
            }
            if (ticks < latest)
            {
                Note(backwardLines, ref backwards);
            }
            latest = Math.Max(latest, ticks);
            double score = 0;
            if (isMissing)
            {
                Note(missingLines, ref missing);
            }
            else
            {
                score = detector.Update(ref state, ticks, value);
            }
            readings++;
            if (badRows == 0)
            {
                output.Write(timestampText.Trim());
                output.Write(',');
                output.Write(valueText.Trim());
                output.Write(',');
                output.WriteLine(score.ToString("0.######", CultureInfo.InvariantCulture));
            }
        }
        return new SeriesScoringResult(readings, missing, missingLines, backwards, backwardLines, problems, badRows);

        void Bad(string problem)
        {
            if (++badRows <= MaxReported)
            {
                problems.Add($"line {line}: {problem}");
            }
        }

        void Note(List<long> lines, ref long count)
        {
            if (++count <= MaxReported)
            {
                lines.Add(line);
            }
        }
    }

    private static bool IsHeader(string header)
    {
        var comma = header.IndexOf(',', StringComparison.Ordinal);
        return comma > 0
            && string.Equals(header[..comma].Trim().Trim('"').Trim('\uFEFF'), "timestamp", StringComparison.OrdinalIgnoreCase)
            && string.Equals(header[(comma + 1)..].Trim().Trim('"'), "value", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsMissing(ReadOnlySpan<char> value)
    {
        value = value.Trim().Trim('"');
        return value.IsEmpty
            || value.Equals("nan", StringComparison.OrdinalIgnoreCase)
            || value.Equals("null", StringComparison.OrdinalIgnoreCase)
            || value.Equals("na", StringComparison.OrdinalIgnoreCase);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}

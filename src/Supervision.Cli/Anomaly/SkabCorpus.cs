using System.Globalization;

namespace Supervision.Cli.Anomaly;

/// <summary>
/// Loads the real labelled series under <c>tests/anomaly-corpus</c>: <c>series.csv</c> names each file with the date
/// of its rows; each file has the header <c>time,&lt;channel&gt;…,anomaly</c>, times of day (<c>HH:mm:ss</c>, UTC), a
/// value per channel and the label (1 inside a labelled anomaly). Every channel becomes one series with the file's
/// labels. See the corpus README for source and licence.
/// </summary>
public static class SkabCorpus
{
    /// <summary>Default corpus directory, relative to the repository root.</summary>
    public static readonly string DefaultDirectory = Path.Combine("tests", "anomaly-corpus");

    /// <summary>Loads every series listed in <c>series.csv</c> under <paramref name="directory"/>; throws <see cref="InvalidDataException"/> naming file and line on bad data.</summary>
    public static IReadOnlyList<EvaluationSeries> Load(string directory)
    {
        var manifest = Path.Combine(directory, "series.csv");
        if (!File.Exists(manifest))
        {
            throw new FileNotFoundException($"no corpus manifest {manifest}", manifest);
        }
        var series = new List<EvaluationSeries>();
        var lines = File.ReadAllLines(manifest);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0)
            {
                continue;
            }
            var parts = lines[i].Split(',');
            if (parts.Length != 2 || !DateOnly.TryParseExact(parts[1].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new InvalidDataException($"{manifest} line {i + 1}: expected 'file,yyyy-MM-dd'");
            }
            series.AddRange(LoadFile(Path.Combine(directory, parts[0].Trim()), parts[0].Trim(), date));
        }
        return series;
    }

    private static IEnumerable<EvaluationSeries> LoadFile(string path, string name, DateOnly date)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var channels = header.Length - 2;
        if (channels < 1 || header[0] != "time" || header[^1] != "anomaly")
        {
            throw new InvalidDataException($"{path} line 1: expected 'time,<channel>...,anomaly'");
        }
        var rows = lines.Skip(1).Where(l => l.Length > 0).ToArray();
        var ticks = new long[rows.Length];
        var values = new double[channels][];
        for (var c = 0; c < channels; c++)
        {
            values[c] = new double[rows.Length];
        }
        var labels = new bool[rows.Length];
        var day = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        for (var r = 0; r < rows.Length; r++)
        {
            var cells = rows[r].Split(',');
            if (cells.Length != header.Length
                || !TimeSpan.TryParseExact(cells[0], @"hh\:mm\:ss", CultureInfo.InvariantCulture, out var time)
                || !(cells[^1] is "0" or "1"))
            {
                throw new InvalidDataException($"{path} line {r + 2}: expected {header.Length} fields: HH:mm:ss, {channels} numbers, 0 or 1");
            }
            ticks[r] = day + time.Ticks;
            labels[r] = cells[^1] == "1";
            for (var c = 0; c < channels; c++)
            {
                if (!double.TryParse(cells[c + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out values[c][r]))
                {
                    throw new InvalidDataException($"{path} line {r + 2}: '{cells[c + 1]}' is not a number");
                }
            }
        }
        var anomalies = new List<LabelledWindow>();
        for (var r = 0; r < rows.Length; r++)
        {
            if (labels[r] && (r == 0 || !labels[r - 1]))
            {
                var end = r;
                while (end + 1 < rows.Length && labels[end + 1])
                {
                    end++;
                }
                anomalies.Add(new LabelledWindow("labelled", r, end));
            }
        }
        var stem = "skab/" + Path.GetFileNameWithoutExtension(name);
        for (var c = 0; c < channels; c++)
        {
            yield return new EvaluationSeries($"{stem}/{header[c + 1]}", ticks, values[c], anomalies);
        }
    }
}

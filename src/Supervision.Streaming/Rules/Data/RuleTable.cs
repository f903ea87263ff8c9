using System.Reflection;

namespace Supervision.Streaming.Rules.Data;

/// <summary>A rule data file that cannot be used: which file, which line, what is wrong.</summary>
public sealed class RuleDataException(string message) : Exception(message);

/// <summary>
/// Reads the CSV tables rules load as data (residue limits, food classification, recall lists, the equipment
/// register): a header row, then one row per line, fields split at commas and trimmed; blank lines and lines
/// starting with <c>#</c> are skipped. Every problem names the file and line.
/// </summary>
public static class RuleTable
{
    /// <summary>
    /// Calls <paramref name="row"/> with the fields and the place ("file line N") of each row of
    /// <paramref name="file"/>, or of the embedded table <paramref name="sample"/> when no file is given (no file
    /// and no sample: no rows). Fields named in <paramref name="optional"/> may be empty.
    /// </summary>
    /// <exception cref="RuleDataException">The file is missing or a line is malformed.</exception>
    public static void Read(string? file, string? sample, string[] header, Action<string[], string> row, params string[] optional)
    {
        if (string.IsNullOrWhiteSpace(file) && sample is null)
        {
            return;
        }
        var name = string.IsNullOrWhiteSpace(file) ? "built-in " + sample : file;
        TextReader reader;
        if (string.IsNullOrWhiteSpace(file))
        {
            var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Supervision.Streaming.Rules.Data." + sample)
                ?? throw new InvalidOperationException($"the build lost the embedded table {sample}");
            reader = new StreamReader(stream);
        }
        else
        {
            try
            {
                reader = new StreamReader(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new RuleDataException($"{file}: cannot be read ({e.Message})");
            }
        }
        using (reader)
        {
            var sawHeader = false;
            var number = 0;
            while (reader.ReadLine() is { } line)
            {
                number++;
                if (number == 1 && line.StartsWith('\uFEFF'))
                {
                    line = line[1..];
                }
                if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
                {
                    continue;
                }
                var where = $"{name} line {number}";
                var fields = line.Split(',');
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = fields[i].Trim();
                }
                if (!sawHeader)
                {
                    if (!fields.SequenceEqual(header, StringComparer.OrdinalIgnoreCase))
                    {
                        throw new RuleDataException($"{where}: expected the header '{string.Join(',', header)}', got '{line}'");
                    }
                    sawHeader = true;
                    continue;
                }
                if (fields.Length != header.Length)
                {
                    throw new RuleDataException($"{where}: expected {header.Length} fields ({string.Join(',', header)}), got {fields.Length}");
                }
                for (var i = 0; i < fields.Length; i++)
                {
                    if (fields[i].Length == 0 && Array.IndexOf(optional, header[i]) < 0)
                    {
                        throw new RuleDataException($"{where}: {header[i]} is empty");
                    }
                }
                row(fields, where);
            }
            if (!sawHeader)
            {
                throw new RuleDataException($"{name}: no header line '{string.Join(',', header)}'");
            }
        }
    }
}

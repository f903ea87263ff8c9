using System.Globalization;

namespace Supervision.Cli.Commands;

/// <summary>Raised for bad command-line input; the message is the one line the user sees.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// <c>--name value</c> options of one verb. Every option must be declared by a getter before
/// <see cref="EnsureAllUsed"/>, so a misspelt option is an error rather than silently ignored.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public CommandLine(IReadOnlyList<string> args, IReadOnlySet<string>? flags = null)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }
            var name = arg[2..];
            if (flags?.Contains(name) == true)
            {
                _flags.Add(name);
                continue;
            }
            if (i + 1 >= args.Count)
            {
                throw new UsageException($"option --{name} needs a value");
            }
            if (!_values.TryAdd(name, args[++i]))
            {
                throw new UsageException($"option --{name} is given twice");
            }
        }
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _flags.Contains(name);
    }

    public string? String(string name)
    {
        _used.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public int Int(string name, int fallback, int min, int max)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} must be a whole number from {min} to {max}, got '{text}'");
        }
        return value;
    }

    public long Long(string name, long fallback, long min)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            throw new UsageException($"--{name} must be a whole number of at least {min}, got '{text}'");
        }
        return value;
    }

    public double Double(string name, double fallback, double min, double max)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= min && value <= max))
        {
            throw new UsageException($"--{name} must be a number from {min} to {max}, got '{text}'");
        }
        return value;
    }

    /// <summary>A duration such as <c>90s</c>, <c>15m</c>, <c>6h</c>, <c>2d</c> or <c>01:30:00</c>.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }
        if (text.Length > 1 && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero)
        {
            return span;
        }
        throw new UsageException($"--{name} must be a duration like 90s, 15m, 6h, 2d or 01:30:00, got '{text}'");
    }

    public void EnsureAllUsed()
    {
        foreach (var name in _values.Keys.Concat(_flags))
        {
            if (!_used.Contains(name))
            {
                throw new UsageException($"unknown option --{name}");
            }
        }
    }
}

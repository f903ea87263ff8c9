using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Supervision.Cli.Parsing;

/// <summary>
/// Typed options whose parse errors are one line naming the option, the accepted values and what was given
/// (System.CommandLine's own messages name the CLR type instead). Every verb builds its options here.
/// </summary>
public static class CliOptions
{
    public static Option<string?> Text(string name, string valueName, string description) =>
        new(name) { HelpName = valueName, Description = description };

    public static Option<string> Text(string name, string valueName, string description, string fallback) =>
        new(name) { HelpName = valueName, Description = description, DefaultValueFactory = _ => fallback };

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    public static Option<int> Int(string name, string valueName, string description, int fallback, int min, int max) =>
        Parsed(name, valueName, description, fallback, text =>
            (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max, value),
            $"a whole number from {min} to {max}");

    public static Option<long?> Long(string name, string valueName, string description, long min) =>
        Parsed<long?>(name, valueName, description, null, text =>
            (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min, value),
            $"a whole number of at least {min}");

    public static Option<double> Double(string name, string valueName, string description, double fallback, double min, double max) =>
        Parsed(name, valueName, description, fallback, text =>
            (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max, value),
            $"a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>A duration such as <c>90s</c>, <c>15m</c>, <c>6h</c>, <c>2d</c> or <c>01:30:00</c>.</summary>
    public static Option<TimeSpan> Duration(string name, string description, TimeSpan fallback) =>
        Parsed(name, "D", description, fallback, ParseDuration, "a duration like 90s, 15m, 6h, 2d or 01:30:00");

    /// <summary>An absolute http or https URL.</summary>
    public static Option<Uri?> HttpUrl(string name, string description) =>
        Parsed<Uri?>(name, "URL", description, null, text =>
            (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", uri),
            "an http(s) URL");

    /// <summary>One of a fixed set of words, offered by tab completion.</summary>
    public static Option<string> OneOf(string name, string description, string fallback, params string[] values)
    {
        var option = Parsed(name, string.Join('|', values), description, fallback, text => (values.Contains(text, StringComparer.Ordinal), text),
            string.Join(values.Length == 2 ? " or " : ", ", values));
        option.CompletionSources.Add(_ => values.Select(v => new CompletionItem(v)));
        return option;
    }

    private static Option<T> Parsed<T>(string name, string valueName, string description, T fallback, Func<string, (bool Ok, T Value)> parse, string expected)
    {
        var option = new Option<T>(name)
        {
            HelpName = valueName,
            Description = description,
            CustomParser = result =>
            {
                if (result.Tokens.Count == 0)
                {
                    return fallback;
                }
                var text = result.Tokens[^1].Value;
                var (ok, value) = parse(text);
                if (ok)
                {
                    return value;
                }
                result.AddError($"{name} must be {expected}, got '{text}'");
                return fallback;
            },
        };
        // No default for an option without one: it would satisfy Required and show "[default: ]" in help.
        if (fallback is not null)
        {
            option.DefaultValueFactory = _ => fallback;
        }
        return option;
    }

    private static (bool, TimeSpan) ParseDuration(string text)
    {
        if (text.Length > 1 && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
        {
            switch (text[^1])
            {
                case 's': return (true, TimeSpan.FromSeconds(n));
                case 'm': return (true, TimeSpan.FromMinutes(n));
                case 'h': return (true, TimeSpan.FromHours(n));
                case 'd': return (true, TimeSpan.FromDays(n));
            }
        }
        return (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero, span);
    }
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Supervision.Storage.ClickHouse;

/// <summary>A piece of SQL written by this code (never by a user), inserted into a statement as is.</summary>
/// <param name="Text">The SQL text.</param>
public readonly record struct SqlFragment(string Text)
{
    /// <summary>Nothing.</summary>
    public static SqlFragment Empty { get; } = new("");

    /// <inheritdoc/>
    public override string ToString() => Text;
}

/// <summary>
/// The one path by which values reach ClickHouse SQL. ClickHouse.Driver 1.5.0's <c>{name:Type}</c> parameters do
/// not work against ClickHouse 18.16, so values are rendered as literals here: strings quoted with every quote,
/// backslash and control character escaped, numbers in invariant culture, times as epoch milliseconds, lists
/// element by element. Statements are written as interpolated strings and every hole goes through
/// <see cref="Literal"/>; only <see cref="SqlFragment"/> (SQL this code wrote) passes unquoted.
/// </summary>
public static partial class ClickHouseSql
{
    /// <summary>Renders <paramref name="sql"/> with every hole as a literal.</summary>
    public static string Bind(FormattableString sql)
    {
        var arguments = sql.GetArguments();
        var rendered = new object?[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            rendered[i] = Literal(arguments[i]);
        }
        return string.Format(CultureInfo.InvariantCulture, sql.Format, rendered);
    }

    /// <summary>One value as a ClickHouse literal.</summary>
    public static string Literal(object? value) => value switch
    {
        null => "NULL",
        SqlFragment fragment => fragment.Text,
        string s => Quote(s),
        bool b => b ? "1" : "0",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d when double.IsFinite(d) => d.ToString("R", CultureInfo.InvariantCulture),
        double d => throw new ArgumentOutOfRangeException(nameof(value), d, "only finite numbers can be bound"),
        DateTimeOffset t => t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        IEnumerable<string> list => "(" + string.Join(", ", list.Select(Quote)) + ")",
        _ => throw new ArgumentException($"values of type {value.GetType().Name} cannot be bound into ClickHouse SQL", nameof(value)),
    };

    /// <summary>A string literal in single quotes; safe for any input.</summary>
    public static string Quote(string text)
    {
        var sql = new StringBuilder(text.Length + 2).Append('\'');
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': sql.Append(@"\\"); break;
                case '\'': sql.Append(@"\'"); break;
                case < ' ' or '\x7f': sql.Append(@"\x").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture)); break;
                default: sql.Append(c); break;
            }
        }
        return sql.Append('\'').ToString();
    }

    /// <summary>A database, table or cluster name from configuration; only letters, digits and underscores.</summary>
    public static SqlFragment Identifier(string name, string what) =>
        IdentifierPattern().IsMatch(name)
            ? new SqlFragment(name)
            : throw new ArgumentException($"{what} '{name}' must be letters, digits and underscores, starting with a letter");

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}

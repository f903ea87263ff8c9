using System.Globalization;

namespace Supervision.Cli.Anomaly;

/// <summary>
/// Reads the timestamp column of a series file: ISO 8601 and its common relatives (<c>2026-11-27T09:00:00+08:00</c>,
/// <c>2014-04-01 00:00:00</c>; without an offset the time is UTC), or Unix time as a number (seconds, or
/// milliseconds when it has 13 digits or more).
/// </summary>
public static class TimestampParser
{
    // 1e11 seconds is the year 5138: a larger number can only be milliseconds.
    private const decimal MillisecondsFrom = 100_000_000_000m;

    // Beyond the year 9999 either way, in seconds: a larger number is no timestamp.
    private const decimal MaxSeconds = 300_000_000_000m;

    /// <summary>Parses <paramref name="text"/> (quotes and spaces around it allowed) into UTC ticks.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long utcTicks)
    {
        utcTicks = 0;
        text = text.Trim().Trim('"').Trim();
        if (text.IsEmpty)
        {
            return false;
        }
        if (IsNumber(text))
        {
            // Decimal, so milliseconds and fractions of a second come out exact.
            if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
                || Math.Abs(number) > MaxSeconds * 1000)
            {
                return false;
            }
            var seconds = number >= MillisecondsFrom ? number / 1000 : number;
            var ticks = (seconds * TimeSpan.TicksPerSecond) + DateTimeOffset.UnixEpoch.UtcTicks;
            if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
            {
                return false;
            }
            utcTicks = (long)decimal.Round(ticks);
            return true;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var at))
        {
            return false;
        }
        utcTicks = at.UtcTicks;
        return true;
    }

    // Digits with at most one point, optionally after a minus sign: "2026-11-27" has a dash inside, so it is a date.
    private static bool IsNumber(ReadOnlySpan<char> text)
    {
        if (text[0] == '-')
        {
            text = text[1..];
        }
        var points = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                points++;
            }
            else if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return points <= 1 && text.Length > points;
    }
}

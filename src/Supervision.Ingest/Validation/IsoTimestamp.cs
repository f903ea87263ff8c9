namespace Supervision.Ingest.Validation;

/// <summary>
/// Parses the common shape of event times, <c>yyyy-MM-ddTHH:mm:ss[.f…]</c> followed by <c>Z</c> or <c>±hh:mm</c>,
/// without the general parser's cost. Anything else returns false and goes to the general parser, which also
/// words the error.
/// </summary>
internal static class IsoTimestamp
{
    public static bool TryParse(ReadOnlySpan<char> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        {
            return false;
        }
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }
        var i = 19;
        long fraction = 0;
        if (s[i] == '.')
        {
            var digits = 0;
            i++;
            while (i < s.Length && s[i] is >= '0' and <= '9')
            {
                if (digits < 7)
                {
                    fraction = (fraction * 10) + (s[i] - '0');
                    digits++;
                }
                i++;
            }
            if (digits == 0)
            {
                return false;
            }
            for (; digits < 7; digits++)
            {
                fraction *= 10;
            }
        }
        TimeSpan offset;
        if (i == s.Length - 1 && s[i] is 'Z' or 'z')
        {
            offset = TimeSpan.Zero;
        }
        else if (i == s.Length - 6 && s[i] is '+' or '-' && s[i + 3] == ':' && Digits(s, i + 1, 2, out var oh) && Digits(s, i + 4, 2, out var om) && oh <= 14 && om < 60)
        {
            offset = new TimeSpan(oh, om, 0);
            if (s[i] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month) || year < 1 || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        try
        {
            value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(fraction);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = s[i];
            if (c is < '0' or > '9')
            {
                return false;
            }
            value = (value * 10) + (c - '0');
        }
        return true;
    }
}

using System.Diagnostics.CodeAnalysis;

namespace Supervision.Domain.Identifiers;

/// <summary>
/// A six-digit administrative division code (GB/T 2260): province, city and county, two digits each.
/// Validation checks the shape and the province; the full division table is data, not code.
/// </summary>
public readonly record struct RegionCode
{
    // Province-level codes of GB/T 2260.
    private static ReadOnlySpan<byte> Provinces =>
        [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82];

    private RegionCode(int value) => Value = value;

    /// <summary>The code as a number, 110000 to 829999.</summary>
    public int Value { get; }

    /// <inheritdoc/>
    public override string ToString() => Value.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parses six digits with a known province, or returns false with the reason.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out RegionCode code, [NotNullWhen(false)] out string? error)
    {
        code = default;
        if (text.Length != 6)
        {
            error = $"must be six digits, got {text.Length} characters";
            return false;
        }
        var value = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                error = $"must be six digits, found '{c}'";
                return false;
            }
            value = (value * 10) + (c - '0');
        }
        if (Provinces.IndexOf((byte)(value / 10000)) < 0)
        {
            error = $"province '{text[..2]}' is not a GB/T 2260 province code";
            return false;
        }
        code = new RegionCode(value);
        error = null;
        return true;
    }

    /// <summary>The code of <paramref name="value"/> (as <see cref="Value"/> gives it), known to be valid; throws <see cref="FormatException"/> otherwise.</summary>
    public static RegionCode FromValue(int value) =>
        value is >= 100000 and <= 999999 && Provinces.IndexOf((byte)(value / 10000)) >= 0
            ? new RegionCode(value)
            : throw new FormatException($"{value} is not a GB/T 2260 division code");

    /// <summary>Parses a code known to be valid; throws <see cref="FormatException"/> otherwise.</summary>
    public static RegionCode Parse(string text) =>
        TryParse(text, out var code, out var error) ? code : throw new FormatException(error);

    /// <summary>The province (first two digits) as a prefix.</summary>
    public string Province => ToString()[..2];

    /// <summary>The city (first four digits) as a prefix.</summary>
    public string City => ToString()[..4];

    /// <summary>
    /// True when this division lies in the jurisdiction <paramref name="prefix"/>: the empty prefix (the whole
    /// country) or a prefix of the six digits, e.g. <c>3501</c> holds <c>350100</c> to <c>350199</c>.
    /// </summary>
    public bool IsWithin(ReadOnlySpan<char> prefix)
    {
        if (prefix.Length > 6)
        {
            return false;
        }
        Span<char> digits = stackalloc char[6];
        Value.TryFormat(digits, out _, "D6", System.Globalization.CultureInfo.InvariantCulture);
        return digits.StartsWith(prefix);
    }

    /// <summary>
    /// Checks a jurisdiction prefix: empty, or 2, 4 or 6 digits. Returns the reason when it is not one.
    /// </summary>
    public static string? ValidateJurisdiction(ReadOnlySpan<char> prefix)
    {
        if (prefix.Length is not (0 or 2 or 4 or 6))
        {
            return "must be 2, 4 or 6 digits (province, city or county)";
        }
        foreach (var c in prefix)
        {
            if (c is < '0' or > '9')
            {
                return $"must be digits, found '{c}'";
            }
        }
        return null;
    }
}

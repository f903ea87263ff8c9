using System.Diagnostics.CodeAnalysis;

namespace Supervision.Domain.Identifiers;

/// <summary>
/// A Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters whose last one is a check
/// character over the first 17. Construction validates, so a value of this type is always well formed.
/// </summary>
public readonly record struct EnterpriseId
{
    /// <summary>The 31 characters a code may use: digits and capitals without I, O, S, V, Z.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    /// <summary>Length of a code.</summary>
    public const int Length = 18;

    // 3^i mod 31 for positions 1..17.
    private static ReadOnlySpan<byte> Weights => [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    private EnterpriseId(string value) => Value = value;

    /// <summary>The code, 18 characters.</summary>
    public string Value { get; }

    /// <summary>Positions 3–8: the administrative division where the organisation registered.</summary>
    public ReadOnlySpan<char> RegistrationDivision => Value.AsSpan(2, 6);

    /// <inheritdoc/>
    public override string ToString() => Value ?? string.Empty;

    /// <summary>Parses a code, or returns false with the reason.</summary>
    public static bool TryParse(string? text, out EnterpriseId id, [NotNullWhen(false)] out string? error)
    {
        id = default;
        error = Validate(text);
        if (error is not null)
        {
            return false;
        }
        id = new EnterpriseId(text!);
        return true;
    }

    /// <summary>Parses a code known to be valid; throws <see cref="FormatException"/> otherwise.</summary>
    public static EnterpriseId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id : throw new FormatException(error);

    /// <summary>Returns why <paramref name="text"/> is not a valid code, or null when it is.</summary>
    public static string? Validate(ReadOnlySpan<char> text)
    {
        if (text.Length != Length)
        {
            return $"must be {Length} characters, got {text.Length}";
        }
        for (var i = 0; i < Length; i++)
        {
            if (Alphabet.IndexOf(text[i]) < 0)
            {
                return $"character '{text[i]}' at position {i + 1} is not allowed (alphabet {Alphabet})";
            }
        }
        var expected = CheckCharacter(text[..17]);
        if (text[17] != expected)
        {
            return $"check character is '{text[17]}', expected '{expected}'";
        }
        return null;
    }

    /// <summary>Computes the check character for the first 17 characters of a code.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17)
        {
            throw new ArgumentException("needs exactly 17 characters", nameof(first17));
        }
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var v = Alphabet.IndexOf(first17[i]);
            if (v < 0)
            {
                throw new ArgumentException($"character '{first17[i]}' is not in the alphabet", nameof(first17));
            }
            sum += v * Weights[i];
        }
        var c = 31 - (sum % 31);
        return Alphabet[c == 31 ? 0 : c];
    }
}

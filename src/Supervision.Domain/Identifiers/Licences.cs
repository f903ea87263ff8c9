namespace Supervision.Domain.Identifiers;

/// <summary>Shapes of the licence and approval numbers reports carry (DOMAIN.md "Identifiers").</summary>
public static class Licences
{
    /// <summary>Drug approval numbers start with these characters (国药准字).</summary>
    public const string DrugApprovalPrefix = "国药准字";

    /// <summary>Why <paramref name="text"/> is not a food production licence (<c>SC</c> + 14 digits), or null.</summary>
    public static string? ValidateFoodLicence(ReadOnlySpan<char> text)
    {
        if (text.Length != 16 || !text.StartsWith("SC", StringComparison.Ordinal))
        {
            return "must be SC followed by 14 digits";
        }
        foreach (var c in text[2..])
        {
            if (c is < '0' or > '9')
            {
                return $"must be SC followed by 14 digits, found '{c}'";
            }
        }
        return null;
    }

    /// <summary>
    /// Why <paramref name="text"/> is not a drug approval number (国药准字 + H, Z, S or J + 8 digits), or null.
    /// </summary>
    public static string? ValidateDrugApproval(ReadOnlySpan<char> text)
    {
        if (text.Length != 13 || !text.StartsWith(DrugApprovalPrefix, StringComparison.Ordinal))
        {
            return "must be 国药准字 followed by H, Z, S or J and 8 digits";
        }
        if (text[4] is not ('H' or 'Z' or 'S' or 'J'))
        {
            return $"category '{text[4]}' is not H (chemical), Z (traditional Chinese medicine), S (biological) or J (imported)";
        }
        foreach (var c in text[5..])
        {
            if (c is < '0' or > '9')
            {
                return $"must end in 8 digits, found '{c}'";
            }
        }
        return null;
    }
}

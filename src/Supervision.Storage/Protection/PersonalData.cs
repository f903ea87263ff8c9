using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Supervision.Storage.Protection;

/// <summary>
/// Masks personal information (contact names, phone numbers, ID numbers) for callers without the privilege to
/// see it. Two rules: any JSON property whose name says it holds personal information is masked whatever its
/// value; and any text that looks like a mainland mobile number (11 digits from 1[3-9]) or a resident ID number
/// (17 digits and a digit or X) is masked wherever it appears, field or free text.
/// </summary>
public static partial class PersonalData
{
    /// <summary>Property names (compared without case, underscores or dashes) that hold personal information.</summary>
    public static IReadOnlySet<string> PersonalFields { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "contact", "contactname", "contactperson", "person", "personname", "name", "fullname", "patient", "patientname",
        "reporter", "reportername", "inspector", "inspectorname", "legalrepresentative", "owner", "ownername",
        "phone", "phonenumber", "mobile", "telephone", "tel", "contactphone", "email",
        "idnumber", "idcard", "idcardnumber", "identitycard", "residentid", "passport", "address", "homeaddress",
    };

    /// <summary>What replaces personal text: the first character is kept so analysts can tell values apart roughly.</summary>
    public static string Mask(string value) => value.Length <= 1 ? "*" : value[0] + new string('*', Math.Min(value.Length - 1, 8));

    /// <summary>Free text with phone and ID numbers masked.</summary>
    public static string MaskText(string text) =>
        Numbers().Replace(text, m => m.Value[..3] + new string('*', m.Value.Length - 3));

    /// <summary>A JSON document with personal fields and numbers masked; text that is not JSON is masked as free text.</summary>
    public static string MaskJson(string json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return MaskText(json);
        }
        return node is null ? json : MaskNode(node, personal: false)!.ToJsonString();
    }

    private static JsonNode? MaskNode(JsonNode? node, bool personal)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    var masked = MaskNode(o[key], personal || IsPersonal(key));
                    if (!ReferenceEquals(masked, o[key]))
                    {
                        o[key] = masked;
                    }
                }
                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    var masked = MaskNode(a[i], personal);
                    if (!ReferenceEquals(masked, a[i]))
                    {
                        a[i] = masked;
                    }
                }
                return a;
            case JsonValue v when v.TryGetValue<string>(out var text):
                return JsonValue.Create(personal ? Mask(text) : MaskText(text));
            case JsonValue v when personal:
                return JsonValue.Create(Mask(v.ToJsonString()));
            default:
                return node;
        }
    }

    private static bool IsPersonal(string key) =>
        PersonalFields.Contains(key.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal));

    [GeneratedRegex(@"(?<![0-9A-Za-z@_-])(?:[1-9][0-9]{16}[0-9Xx]|1[3-9][0-9]{9})(?![0-9A-Za-z])")]
    private static partial Regex Numbers();
}

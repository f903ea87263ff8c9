using System.Text.Json;
using Supervision.Ingest.Validation;

namespace Supervision.Ingest.Decoding;

/// <summary>
/// Reads one JSON envelope object into a <see cref="RawRecord"/> straight from a <see cref="Utf8JsonReader"/>.
/// Wrong JSON types, duplicate and unknown fields become field errors; malformed JSON throws
/// <see cref="JsonException"/>, which the caller turns into a record or body error.
/// </summary>
internal static class JsonEnvelopeReader
{
    private const int ReportIdBit = 1, EnterpriseBit = 2, RegionBit = 4, SectorBit = 8, KindBit = 16, ObservedBit = 32, PayloadBit = 64;

    /// <summary>Reads the object that starts at the reader's current <see cref="JsonTokenType.StartObject"/>.</summary>
    public static void Read(ref Utf8JsonReader reader, RawRecord record, Utf8Interner interner)
    {
        record.Clear();
        var seen = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals("reportId"u8))
            {
                if (ReadHeaderString(ref reader, record, interner, false, "reportId", ReportIdBit, ref seen, out var reportId))
                {
                    record.ReportId = reportId;
                }
            }
            else if (reader.ValueTextEquals("enterpriseId"u8))
            {
                if (ReadHeaderString(ref reader, record, interner, true, "enterpriseId", EnterpriseBit, ref seen, out var enterpriseId))
                {
                    record.EnterpriseId = enterpriseId;
                }
            }
            else if (reader.ValueTextEquals("region"u8))
            {
                if (ReadHeaderString(ref reader, record, interner, true, "region", RegionBit, ref seen, out var region))
                {
                    record.Region = region;
                }
            }
            else if (reader.ValueTextEquals("sector"u8))
            {
                if (ReadHeaderString(ref reader, record, interner, true, "sector", SectorBit, ref seen, out var sector))
                {
                    record.Sector = sector;
                }
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                if (ReadHeaderString(ref reader, record, interner, true, "kind", KindBit, ref seen, out var kind))
                {
                    record.Kind = kind;
                }
            }
            else if (reader.ValueTextEquals("observedAt"u8))
            {
                if (ReadHeaderString(ref reader, record, interner, false, "observedAt", ObservedBit, ref seen, out var observedAt))
                {
                    record.ObservedAt = observedAt;
                }
            }
            else if (reader.ValueTextEquals("payload"u8))
            {
                reader.Read();
                if (!MarkSeen(record, "payload", PayloadBit, ref seen))
                {
                    reader.Skip();
                }
                else if (reader.TokenType != JsonTokenType.StartObject)
                {
                    record.DecodeErrors.Add(new FieldError("payload", "must be an object"));
                    reader.Skip();
                }
                else
                {
                    record.HasPayload = true;
                    ReadPayload(ref reader, record, interner);
                }
            }
            else
            {
                // Kept aside: a mapping profile may rename it; otherwise validation reports it as unknown.
                var name = SafeString(ref reader, interner) ?? "?";
                reader.Read();
                ReadValue(ref reader, record, interner, name, record.Extra, name);
            }
        }
    }

    private static void ReadPayload(ref Utf8JsonReader reader, RawRecord record, Utf8Interner interner)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = SafeString(ref reader, interner);
            reader.Read();
            if (name is null)
            {
                record.DecodeErrors.Add(new FieldError("payload", "has a field name that is not valid UTF-8"));
                reader.Skip();
                continue;
            }
            if (record.Payload.Count >= 64)
            {
                record.DecodeErrors.Add(new FieldError("payload." + name, "payload has more than 64 fields"));
                reader.Skip();
                continue;
            }
            if (Contains(record.Payload, name))
            {
                record.DecodeErrors.Add(new FieldError("payload." + name, "appears more than once"));
                reader.Skip();
                continue;
            }
            ReadValue(ref reader, record, interner, name, record.Payload, "payload." + name);
        }
    }

    private static bool Contains(List<RawField> fields, string name)
    {
        foreach (var field in fields)
        {
            if (field.Name == name)
            {
                return true;
            }
        }
        return false;
    }

    private static void ReadValue(ref Utf8JsonReader reader, RawRecord record, Utf8Interner interner, string name, List<RawField> into, string path)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                var text = SafeString(ref reader, interner);
                if (text is null)
                {
                    record.DecodeErrors.Add(new FieldError(path, "is not valid UTF-8"));
                }
                else
                {
                    into.Add(new RawField(name, RawValueKind.String, text, 0));
                }
                break;
            case JsonTokenType.Number:
                if (reader.TryGetDouble(out var number) && double.IsFinite(number))
                {
                    into.Add(new RawField(name, RawValueKind.Number, null, number));
                }
                else
                {
                    record.DecodeErrors.Add(new FieldError(path, "is a number out of range"));
                }
                break;
            case JsonTokenType.True:
            case JsonTokenType.False:
                into.Add(new RawField(name, RawValueKind.Boolean, null, reader.TokenType == JsonTokenType.True ? 1 : 0));
                break;
            case JsonTokenType.Null:
                into.Add(new RawField(name, RawValueKind.Null, null, 0));
                break;
            default:
                record.DecodeErrors.Add(new FieldError(path, "must be a string, number, boolean or null, not a nested value"));
                reader.Skip();
                break;
        }
    }

    // False for a repeated field, so the first value stands; true (value possibly null after an error) otherwise.
    private static bool ReadHeaderString(ref Utf8JsonReader reader, RawRecord record, Utf8Interner interner, bool intern, string field, int bit, ref int seen, out string? value)
    {
        reader.Read();
        value = null;
        if (!MarkSeen(record, field, bit, ref seen))
        {
            reader.Skip();
            return false;
        }
        if (reader.TokenType != JsonTokenType.String)
        {
            record.DecodeErrors.Add(new FieldError(field, $"must be a string, got {Describe(reader.TokenType)}"));
            reader.Skip();
            return true;
        }
        value = intern ? SafeString(ref reader, interner) : SafeString(ref reader);
        if (value is null)
        {
            record.DecodeErrors.Add(new FieldError(field, "is not valid UTF-8"));
        }
        return true;
    }

    private static bool MarkSeen(RawRecord record, string field, int bit, ref int seen)
    {
        if ((seen & bit) != 0)
        {
            record.DecodeErrors.Add(new FieldError(field, "appears more than once"));
            return false;
        }
        seen |= bit;
        return true;
    }

    // Values that repeat across records come from the interner; escaped or split values take the general path.
    private static string? SafeString(ref Utf8JsonReader reader, Utf8Interner interner) =>
        reader.ValueIsEscaped || reader.HasValueSequence ? SafeString(ref reader) : interner.Get(reader.ValueSpan);

    private static string? SafeString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => token.ToString(),
    };
}

namespace Supervision.Ingest.Decoding;

/// <summary>How a raw value arrived.</summary>
public enum RawValueKind : byte
{
    Null,
    String,
    Number,
    Boolean,

    /// <summary>Untyped text from a text format (CSV): read as a string or parsed as a number.</summary>
    Text,
}

/// <summary>One payload field as decoded from any format, before validation.</summary>
/// <param name="Name">Field name inside the payload.</param>
/// <param name="Kind">What the format gave.</param>
/// <param name="Text">The text, for strings (and for numbers in text formats).</param>
/// <param name="Number">The number, for numbers and booleans (1 or 0).</param>
public readonly record struct RawField(string Name, RawValueKind Kind, string? Text, double Number);

/// <summary>
/// One envelope as a decoder saw it: header fields as text, payload fields as <see cref="RawField"/>s. Every
/// format fills the same shape, so validation is one piece of code whatever the format. Decoders reuse one
/// instance per batch (<see cref="Clear"/>), so it is a class.
/// </summary>
public sealed class RawRecord
{
    public string? ReportId { get; set; }
    public string? EnterpriseId { get; set; }
    public string? Region { get; set; }
    public string? Sector { get; set; }
    public string? Kind { get; set; }
    public string? ObservedAt { get; set; }

    /// <summary>True once a <c>payload</c> object was seen (it may be empty).</summary>
    public bool HasPayload { get; set; }

    /// <summary>Payload fields in arrival order.</summary>
    public List<RawField> Payload { get; } = [];

    /// <summary>Top-level fields that are not envelope fields: a mapping profile may rename them; validation rejects what is left.</summary>
    public List<RawField> Extra { get; } = [];

    /// <summary>Problems the decoder found (wrong JSON type, duplicate or unknown field); validation adds to them.</summary>
    public List<Validation.FieldError> DecodeErrors { get; } = [];

    /// <summary>Envelope field names in the order <see cref="GetHeader"/> and <see cref="SetHeader"/> number them.</summary>
    public static readonly string[] HeaderNames = ["reportId", "enterpriseId", "region", "sector", "kind", "observedAt"];

    /// <summary>The envelope field numbered <paramref name="header"/> in <see cref="HeaderNames"/>.</summary>
    public string? GetHeader(int header) => header switch
    {
        0 => ReportId, 1 => EnterpriseId, 2 => Region, 3 => Sector, 4 => Kind, _ => ObservedAt,
    };

    /// <summary>Sets the envelope field numbered <paramref name="header"/> in <see cref="HeaderNames"/>.</summary>
    public void SetHeader(int header, string? value)
    {
        switch (header)
        {
            case 0: ReportId = value; break;
            case 1: EnterpriseId = value; break;
            case 2: Region = value; break;
            case 3: Sector = value; break;
            case 4: Kind = value; break;
            default: ObservedAt = value; break;
        }
    }

    /// <summary>Resets for the next record.</summary>
    public void Clear()
    {
        ReportId = EnterpriseId = Region = Sector = Kind = ObservedAt = null;
        HasPayload = false;
        Payload.Clear();
        Extra.Clear();
        DecodeErrors.Clear();
    }
}

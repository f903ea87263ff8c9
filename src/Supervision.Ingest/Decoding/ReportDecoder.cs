using System.Text.Json;
using Supervision.Domain.Reports;
using Supervision.Ingest.Validation;

namespace Supervision.Ingest.Decoding;

/// <summary>The body formats <c>POST /api/v1/reports</c> understands.</summary>
public enum BodyFormat
{
    JsonArray,
    Ndjson,
    Csv,
    Arrow,
}

/// <summary>What came out of one body: accepted reports, per-record errors, or why the body as a whole is unreadable.</summary>
public sealed class DecodeResult
{
    /// <summary>Reports that passed validation, in body order.</summary>
    public List<Report> Accepted { get; } = [];

    /// <summary>Index in the body of each of <see cref="Accepted"/>.</summary>
    public List<int> AcceptedIndexes { get; } = [];

    /// <summary>Records that did not, with their index in the body.</summary>
    public List<RecordError> Rejected { get; } = [];

    /// <summary>Records seen in the body.</summary>
    public int Total { get; set; }

    /// <summary>Accepted records that repeat an earlier report (set by the idempotency check, not the decoder).</summary>
    public int Duplicates { get; set; }

    /// <summary>Set when the body cannot be read at all (then nothing is accepted).</summary>
    public string? BodyError { get; internal set; }
}

/// <summary>Decodes and validates whole request bodies in any <see cref="BodyFormat"/>.</summary>
public sealed partial class ReportDecoder
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8 };

    /// <summary>The field a rejection names when the record as a whole is at fault (not an object, not JSON).</summary>
    public const string WholeRecord = "record";

    /// <summary>The UTF-8 byte-order mark Windows tools write at the start of a file; skipped where a body or line starts.</summary>
    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];
    private readonly ReportValidator _validator;
    private readonly Mapping.MappingProfile? _profile;
    private readonly Utf8Interner _interner = new();
    private DateTimeOffset _now;

    /// <summary>A decoder that maps records with <paramref name="profile"/> (if any), then validates with <paramref name="validator"/>.</summary>
    public ReportDecoder(ReportValidator validator, Mapping.MappingProfile? profile = null)
    {
        _validator = validator;
        _profile = profile;
    }

    /// <summary>Decodes <paramref name="body"/> as <paramref name="format"/>.</summary>
    public DecodeResult Decode(ReadOnlySpan<byte> body, BodyFormat format) => format switch
    {
        BodyFormat.JsonArray => DecodeJsonArray(body),
        BodyFormat.Ndjson => DecodeNdjson(body),
        BodyFormat.Csv => DecodeCsv(body),
        BodyFormat.Arrow => DecodeArrow(body.ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Decodes <paramref name="body"/> as <paramref name="format"/>; Arrow is read in place, without a copy.</summary>
    public DecodeResult Decode(ReadOnlyMemory<byte> body, BodyFormat format) =>
        format == BodyFormat.Arrow ? DecodeArrow(body) : Decode(body.Span, format);

    /// <summary>A JSON array of envelopes. Malformed JSON anywhere makes the body unreadable (a 400).</summary>
    public DecodeResult DecodeJsonArray(ReadOnlySpan<byte> body)
    {
        _now = _validator.Now;
        var result = new DecodeResult();
        var raw = new RawRecord();
        var errors = new List<FieldError>();
        if (body.StartsWith(ByteOrderMark))
        {
            body = body[ByteOrderMark.Length..];
        }
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            result.BodyError = "body is empty; send a JSON array of report envelopes";
            return result;
        }
        var reader = new Utf8JsonReader(body, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                result.BodyError = "body must be a JSON array of report envelopes";
                return result;
            }
            var index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    JsonEnvelopeReader.Read(ref reader, raw, _interner);
                    Validate(raw, index, errors, result);
                }
                else
                {
                    reader.Skip();
                    result.Rejected.Add(new RecordError(index, null, [new FieldError(WholeRecord, "record must be a JSON object")]));
                }
                index++;
            }
            if (reader.Read())
            {
                throw new JsonException("unexpected data after the closing ']'");
            }
            result.Total = index;
        }
        catch (JsonException e)
        {
            return Unreadable($"body is not valid JSON at line {LineOf(body, reader.BytesConsumed)}, byte {reader.BytesConsumed}: {Trim(e.Message)}");
        }
        return result;
    }

    /// <summary>One envelope per line; a malformed line rejects that record only. A byte-order mark may start any line (files concatenated).</summary>
    public DecodeResult DecodeNdjson(ReadOnlySpan<byte> body)
    {
        _now = _validator.Now;
        var result = new DecodeResult();
        var expected = body.Count((byte)'\n') + 1;
        result.Accepted.EnsureCapacity(expected);
        result.AcceptedIndexes.EnsureCapacity(expected);
        var raw = new RawRecord();
        var errors = new List<FieldError>();
        var index = 0;
        var lineNumber = 0;
        while (!body.IsEmpty)
        {
            var end = body.IndexOf((byte)'\n');
            var line = end < 0 ? body : body[..end];
            body = end < 0 ? default : body[(end + 1)..];
            lineNumber++;
            if (line.StartsWith(ByteOrderMark))
            {
                line = line[ByteOrderMark.Length..];
            }
            if (line.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }
            var reader = new Utf8JsonReader(line, ReaderOptions);
            try
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    result.Rejected.Add(new RecordError(index, null, [new FieldError(WholeRecord, $"line {lineNumber}: record must be a JSON object")]));
                }
                else
                {
                    JsonEnvelopeReader.Read(ref reader, raw, _interner);
                    if (reader.Read())
                    {
                        result.Rejected.Add(new RecordError(index, raw.ReportId, [new FieldError(WholeRecord, $"line {lineNumber}, byte {reader.TokenStartIndex}: unexpected data after the object")]));
                    }
                    else
                    {
                        Validate(raw, index, errors, result);
                    }
                }
            }
            catch (JsonException e)
            {
                result.Rejected.Add(new RecordError(index, null, [new FieldError(FieldWhereInvalid(line), $"line {lineNumber}, byte {reader.BytesConsumed}: not valid JSON: {Trim(e.Message)}")]));
            }
            index++;
        }
        result.Total = index;
        return result;
    }

    private void Validate(RawRecord raw, int index, List<FieldError> errors, DecodeResult result)
    {
        _profile?.Apply(raw);
        if (_validator.TryValidate(raw, out var report, errors, _now))
        {
            result.Accepted.Add(report);
            result.AcceptedIndexes.Add(index);
        }
        else
        {
            result.Rejected.Add(new RecordError(index, raw.ReportId, errors.ToArray()));
        }
    }

    private static DecodeResult Unreadable(string message) => new() { BodyError = message };

    /// <summary>
    /// The envelope path (<c>kind</c>, <c>payload.temperatureC</c>) of the last property read before
    /// <paramref name="json"/> stops being valid JSON, or <see cref="WholeRecord"/> before any. Read again only
    /// for a record already rejected, so valid records pay nothing for it.
    /// </summary>
    private static string FieldWhereInvalid(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        string? envelope = null;
        string? payload = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
                {
                    // The record itself is complete: what breaks after it is not in any field.
                    (envelope, payload) = (null, null);
                }
                else if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth <= 2)
                {
                    var name = reader.GetString();
                    if (reader.CurrentDepth == 1)
                    {
                        (envelope, payload) = (name, null);
                    }
                    else
                    {
                        payload = name;
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }
        return envelope is null ? WholeRecord : payload is null ? envelope : envelope + "." + payload;
    }

    private static int LineOf(ReadOnlySpan<byte> body, long position)
    {
        var upTo = body[..(int)Math.Min(position, body.Length)];
        return upTo.Count((byte)'\n') + 1;
    }

    // System.Text.Json messages end with a path and position we already report.
    private static string Trim(string message)
    {
        foreach (var marker in (ReadOnlySpan<string>)[" LineNumber:", " Path:"])
        {
            var cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }
        return message;
    }
}

using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Supervision.Ingest.Validation;

namespace Supervision.Ingest.Decoding;

public sealed partial class ReportDecoder
{
    /// <summary>
    /// An Arrow IPC stream: one column per envelope field and <c>payload.&lt;name&gt;</c> per payload field; strings
    /// as utf8, numbers as any integer or floating type, booleans as bool, dates as date32, <c>observedAt</c> as
    /// utf8 or a timestamp with a time zone. A null is an absent field. A schema we cannot map, or a stream that is
    /// not Arrow, makes the body unreadable.
    /// </summary>
    public DecodeResult DecodeArrow(ReadOnlyMemory<byte> body)
    {
        _now = _validator.Now;
        var result = new DecodeResult();
        if (body.IsEmpty)
        {
            result.BodyError = "body is empty; send an Arrow IPC stream";
            return result;
        }
        if (ArrowIpcPrecheck.Check(body.Span) is { } framing)
        {
            result.BodyError = "body is not an acceptable Arrow IPC stream: " + framing;
            return result;
        }
        var batches = -1;
        try
        {
            using var reader = new ArrowStreamReader(body);
            var schema = reader.Schema;
            batches = 0;
            var columns = new Column[schema.FieldsList.Count];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var c = 0; c < columns.Length; c++)
            {
                var field = schema.FieldsList[c];
                if (!seen.Add(field.Name))
                {
                    result.BodyError = $"column {c + 1} '{field.Name}' appears more than once";
                    return result;
                }
                columns[c] = Column.Create(field.Name);
                if (!IsSupported(field.DataType, columns[c]))
                {
                    result.BodyError = $"column '{field.Name}' has Arrow type {field.DataType.Name}, which is not accepted here";
                    return result;
                }
            }
            var hasPayload = columns.Any(c => c.PayloadName is not null);
            var fast = _profile is null ? ArrowFastPath.TryCreate(schema, _validator, _interner, _now, _validator.MaxFutureSkew) : null;
            var raw = new RawRecord();
            var errors = new List<FieldError>();
            var index = 0;
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                batches++;
                using (batch)
                {
                    for (var c = 0; c < columns.Length; c++)
                    {
                        if (CheckBuffers(batch.Column(c), batch.Length) is { } problem)
                        {
                            return Unreadable($"column '{schema.FieldsList[c].Name}' of record batch {batches} is malformed: {problem}");
                        }
                    }
                    result.Accepted.EnsureCapacity(result.Accepted.Count + batch.Length);
                    var first = index;
                    void General(int row)
                    {
                        raw.Clear();
                        raw.HasPayload = hasPayload;
                        for (var c = 0; c < columns.Length; c++)
                        {
                            Apply(columns[c], batch.Column(c), row, raw, _interner);
                        }
                        Validate(raw, first + row, errors, result);
                    }
                    if (fast is not null)
                    {
                        fast.Run(batch, first, result, General);
                    }
                    else
                    {
                        for (var row = 0; row < batch.Length; row++)
                        {
                            General(row);
                        }
                    }
                    index += batch.Length;
                }
            }
            result.Total = index;
        }
        catch (Exception e)
        {
            // Hostile bytes reach the Arrow reader; whatever it throws (even OutOfMemoryException, when metadata claims
            // absurd sizes and the allocation is refused) means the stream is not usable.
            var where = batches < 0 ? "reading the schema" : $"reading record batch {batches + 1}";
            return Unreadable($"body is not a readable Arrow IPC stream ({where}): {e.Message}");
        }
        return result;
    }

    private static string? Intern(Utf8Interner interner, ReadOnlySpan<byte> utf8, string field, RawRecord raw)
    {
        var text = interner.Get(utf8);
        if (text is null)
        {
            raw.DecodeErrors.Add(new FieldError(field, "is not valid UTF-8"));
        }
        return text;
    }

    /// <summary>
    /// Checks that an array's buffers hold what its length and offsets promise. The Arrow library reads them without
    /// bounds checks, so a hostile body could otherwise make it read outside its buffers.
    /// </summary>
    private static string? CheckBuffers(IArrowArray array, int rows)
    {
        var data = array.Data;
        if (data.Length < rows || data.Offset < 0 || data.Length < 0)
        {
            return $"it has {data.Length} values for {rows} rows";
        }
        long end = (long)data.Offset + data.Length;
        var buffers = data.Buffers;
        if (buffers.Length < 2)
        {
            return "buffers are missing";
        }
        if (data.NullCount != 0 && buffers[0].Length > 0 && buffers[0].Length < (end + 7) / 8)
        {
            return "the validity bitmap is too short";
        }
        switch (data.DataType)
        {
            case StringType or LargeStringType:
            {
                var wide = data.DataType is LargeStringType;
                var width = wide ? 8 : 4;
                if (buffers.Length < 3 || buffers[1].Length < (end + 1) * width)
                {
                    return "the offsets buffer is too short";
                }
                var values = buffers[2].Length;
                return wide
                    ? CheckOffsets(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(buffers[1].Span), data.Offset, (int)end, values)
                    : CheckOffsets(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(buffers[1].Span), data.Offset, (int)end, values);
            }
            case BooleanType:
                return buffers[1].Length < (end + 7) / 8 ? "the values buffer is too short" : null;
            case FixedWidthType fixedWidth:
                return buffers[1].Length < end * ((fixedWidth.BitWidth + 7) / 8) ? "the values buffer is too short" : null;
            default:
                return null;
        }
    }

    private static string? CheckOffsets<T>(ReadOnlySpan<T> offsets, int start, int end, long values)
        where T : struct, System.Numerics.IBinaryInteger<T>
    {
        long previous = 0;
        for (var i = start; i <= end; i++)
        {
            var at = long.CreateTruncating(offsets[i]);
            if (at < previous || at > values)
            {
                return $"offset {i} points outside the values";
            }
            previous = at;
        }
        return null;
    }

    private static bool IsSupported(IArrowType type, Column column) => type switch
    {
        StringType or LargeStringType => true,
        TimestampType t => column.Header == 5 && !string.IsNullOrEmpty(t.Timezone),
        _ when column.IsHeader => false,
        DoubleType or FloatType or HalfFloatType or Int8Type or Int16Type or Int32Type or Int64Type or UInt8Type or UInt16Type or UInt32Type or UInt64Type => true,
        BooleanType or Date32Type => true,
        _ => false,
    };

    private static void Apply(Column column, IArrowArray array, int row, RawRecord raw, Utf8Interner interner)
    {
        if (array.IsNull(row))
        {
            return;
        }
        if (column.IsHeader)
        {
            column.SetHeader(raw, array switch
            {
                // reportId and observedAt are unique per row; the other header values repeat.
                StringArray s when column.Header is not (0 or 5) => Intern(interner, s.GetBytes(row), column.Path, raw),
                StringArray s => s.GetString(row),
                LargeStringArray s => s.GetString(row),
                TimestampArray t => t.GetTimestamp(row)?.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture),
                _ => null,
            });
            return;
        }
        var name = column.Name;
        var field = array switch
        {
            StringArray s => new RawField(name, RawValueKind.String, Intern(interner, s.GetBytes(row), column.Path, raw), 0),
            LargeStringArray s => new RawField(name, RawValueKind.String, s.GetString(row), 0),
            BooleanArray b => new RawField(name, RawValueKind.Boolean, null, b.GetValue(row) == true ? 1 : 0),
            Date32Array d => new RawField(name, RawValueKind.String, d.GetDateOnly(row)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), 0),
            DoubleArray d => new RawField(name, RawValueKind.Number, null, d.GetValue(row)!.Value),
            FloatArray f => new RawField(name, RawValueKind.Number, null, f.GetValue(row)!.Value),
            HalfFloatArray h => new RawField(name, RawValueKind.Number, null, (double)h.GetValue(row)!.Value),
            Int8Array i => new RawField(name, RawValueKind.Number, null, i.GetValue(row)!.Value),
            Int16Array i => new RawField(name, RawValueKind.Number, null, i.GetValue(row)!.Value),
            Int32Array i => new RawField(name, RawValueKind.Number, null, i.GetValue(row)!.Value),
            Int64Array i => new RawField(name, RawValueKind.Number, null, i.GetValue(row)!.Value),
            UInt8Array i => new RawField(name, RawValueKind.Number, null, i.GetValue(row)!.Value),
            UInt16Array i => new RawField(name, RawValueKind.Number, null, i.GetValue(row)!.Value),
            UInt32Array i => new RawField(name, RawValueKind.Number, null, i.GetValue(row)!.Value),
            UInt64Array i => new RawField(name, RawValueKind.Number, null, i.GetValue(row)!.Value),
            _ => throw new InvalidOperationException($"unchecked Arrow array {array.GetType().Name}"),
        };
        if (double.IsNaN(field.Number) || double.IsInfinity(field.Number))
        {
            raw.DecodeErrors.Add(new FieldError(column.PayloadName is null ? name : "payload." + name, "must be a finite number"));
            return;
        }
        column.Target(raw).Add(field);
    }
}

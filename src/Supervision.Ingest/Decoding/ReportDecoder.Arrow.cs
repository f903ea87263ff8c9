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
    public DecodeResult DecodeArrow(ReadOnlySpan<byte> body)
    {
        var result = new DecodeResult();
        if (body.IsEmpty)
        {
            result.BodyError = "body is empty; send an Arrow IPC stream";
            return result;
        }
        try
        {
            using var stream = new MemoryStream(body.ToArray(), writable: false);
            using var reader = new ArrowStreamReader(stream);
            var schema = reader.Schema;
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
            var raw = new RawRecord();
            var errors = new List<FieldError>();
            var index = 0;
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                using (batch)
                {
                    for (var row = 0; row < batch.Length; row++)
                    {
                        raw.Clear();
                        raw.HasPayload = hasPayload;
                        for (var c = 0; c < columns.Length; c++)
                        {
                            Apply(columns[c], batch.Column(c), row, raw);
                        }
                        Validate(raw, index, errors, result);
                        index++;
                    }
                }
            }
            result.Total = index;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Hostile bytes reach the Arrow reader; whatever it throws means the stream is not usable.
            return Unreadable($"body is not a readable Arrow IPC stream: {e.Message}");
        }
        return result;
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

    private static void Apply(Column column, IArrowArray array, int row, RawRecord raw)
    {
        if (array.IsNull(row))
        {
            return;
        }
        if (column.IsHeader)
        {
            column.SetHeader(raw, array switch
            {
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
            StringArray s => new RawField(name, RawValueKind.String, s.GetString(row), 0),
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

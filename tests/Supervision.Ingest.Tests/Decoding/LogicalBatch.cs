using System.Globalization;
using System.Text;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace Supervision.Ingest.Tests.Decoding;

/// <summary>
/// One logical batch of envelopes (header fields as text, payload fields as strings, numbers or booleans) that
/// can be written in each of the four body formats, so tests can check that every format gives the same verdicts.
/// </summary>
internal sealed class LogicalBatch
{
    private static readonly string[] HeaderNames = ["reportId", "enterpriseId", "region", "sector", "kind", "observedAt"];

    public List<(Dictionary<string, string?> Header, Dictionary<string, object?> Payload)> Records { get; } = [];

    public LogicalBatch Add(string reportId, string enterpriseId, string region, string sector, string kind, string observedAt, Dictionary<string, object?> payload)
    {
        Records.Add((new Dictionary<string, string?>
        {
            ["reportId"] = reportId, ["enterpriseId"] = enterpriseId, ["region"] = region,
            ["sector"] = sector, ["kind"] = kind, ["observedAt"] = observedAt,
        }, payload));
        return this;
    }

    private List<string> PayloadColumns => Records.SelectMany(r => r.Payload.Keys).Distinct().ToList();

    public byte[] ToJsonArray() => Encoding.UTF8.GetBytes("[" + string.Join(",", Records.Select(ToJsonObject)) + "]");

    public byte[] ToNdjson() => Encoding.UTF8.GetBytes(string.Join("\n", Records.Select(ToJsonObject)) + "\n");

    public byte[] ToCsv()
    {
        var columns = PayloadColumns;
        var b = new StringBuilder();
        b.AppendJoin(',', HeaderNames.Concat(columns.Select(c => "payload." + c))).Append("\r\n");
        foreach (var (header, payload) in Records)
        {
            var cells = HeaderNames.Select(h => header[h] ?? "")
                .Concat(columns.Select(c => payload.TryGetValue(c, out var v) ? Text(v) : ""));
            b.AppendJoin(',', cells.Select(Quote)).Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(b.ToString());
    }

    public byte[] ToArrow()
    {
        var columns = PayloadColumns;
        var fields = new List<Field>();
        var arrays = new List<IArrowArray>();
        foreach (var h in HeaderNames)
        {
            var builder = new StringArray.Builder();
            foreach (var (header, _) in Records)
            {
                if (header[h] is { } value)
                {
                    builder.Append(value);
                }
                else
                {
                    builder.AppendNull();
                }
            }
            fields.Add(new Field(h, StringType.Default, nullable: true));
            arrays.Add(builder.Build());
        }
        foreach (var c in columns)
        {
            var values = Records.Select(r => r.Payload.GetValueOrDefault(c)).ToList();
            var sample = values.FirstOrDefault(v => v is not null);
            if (sample is double)
            {
                var builder = new DoubleArray.Builder();
                values.ForEach(v => _ = v is double d ? builder.Append(d) : builder.AppendNull());
                fields.Add(new Field("payload." + c, DoubleType.Default, true));
                arrays.Add(builder.Build());
            }
            else if (sample is bool)
            {
                var builder = new BooleanArray.Builder();
                values.ForEach(v => _ = v is bool x ? builder.Append(x) : builder.AppendNull());
                fields.Add(new Field("payload." + c, BooleanType.Default, true));
                arrays.Add(builder.Build());
            }
            else
            {
                var builder = new StringArray.Builder();
                values.ForEach(v => _ = v is string s ? builder.Append(s) : builder.AppendNull());
                fields.Add(new Field("payload." + c, StringType.Default, true));
                arrays.Add(builder.Build());
            }
        }
        var schema = new Schema(fields, null);
        using var batch = new RecordBatch(schema, arrays, Records.Count);
        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }
        return stream.ToArray();
    }

    private static string ToJsonObject((Dictionary<string, string?> Header, Dictionary<string, object?> Payload) record)
    {
        var header = record.Header.Where(h => h.Value is not null).ToDictionary(h => h.Key, h => (object?)h.Value);
        header["payload"] = record.Payload.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);
        return JsonSerializer.Serialize(header);
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => value.ToString()!,
    };

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}

using System.Buffers;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Supervision.Domain.Reports;
using Supervision.Simulation.Feeds;

namespace Supervision.Benchmarks.Ingest;

/// <summary>The same simulator reports as NDJSON and as an Arrow IPC stream, for the ingest benchmarks.</summary>
internal static class IngestInputs
{
    public static List<Report> Reports(int count)
    {
        var generator = ReportGenerator.Create(100, 11);
        var reports = new List<Report>(count);
        var at = DateTimeOffset.UtcNow.AddDays(-1);
        at = new DateTimeOffset(at.Ticks - (at.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        while (reports.Count < count)
        {
            generator.Tick(at, TimeSpan.FromMinutes(1), reports);
            at = at.AddMinutes(1);
        }
        reports.RemoveRange(count, reports.Count - count);
        return reports;
    }

    public static byte[] Ndjson(IEnumerable<Report> reports)
    {
        var buffer = new ArrayBufferWriter<byte>();
        EnvelopeJson.WriteNdjson(reports, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Cold-chain reports only: an Arrow stream has one schema, and this is the bulk kind.</summary>
    public static byte[] ColdChainArrow(IReadOnlyList<Report> reports)
    {
        string[] header = ["reportId", "enterpriseId", "region", "sector", "kind", "observedAt", "payload.deviceId", "payload.storageClass"];
        var builders = header.Select(_ => new StringArray.Builder()).ToArray();
        var temperature = new DoubleArray.Builder();
        var rows = 0;
        foreach (var report in reports)
        {
            if (report.Payload is not ColdChainReading c)
            {
                continue;
            }
            string[] values = [report.ReportId, report.EnterpriseId.Value, report.Region.ToString(), "food", "food.coldchain",
                report.ObservedAt.ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture), c.DeviceId, c.StorageClass.Name()];
            for (var i = 0; i < values.Length; i++)
            {
                builders[i].Append(values[i]);
            }
            temperature.Append(c.TemperatureC);
            rows++;
        }
        var fields = header.Select(h => new Field(h, StringType.Default, false)).Append(new Field("payload.temperatureC", DoubleType.Default, false)).ToList();
        var arrays = builders.Select(b => (IArrowArray)b.Build()).Append(temperature.Build()).ToList();
        var schema = new Schema(fields, null);
        using var batch = new RecordBatch(schema, arrays, rows);
        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }
        return stream.ToArray();
    }
}

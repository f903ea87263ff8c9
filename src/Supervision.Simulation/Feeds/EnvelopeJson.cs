using System.Buffers;
using System.Text.Json;
using Supervision.Domain.Reports;

namespace Supervision.Simulation.Feeds;

/// <summary>Writes reports as the JSON envelope of DESIGN.md "Contracts" (one object; NDJSON is one per line).</summary>
public static class EnvelopeJson
{
    /// <summary>Writes <paramref name="report"/> as one envelope object.</summary>
    public static void Write(Utf8JsonWriter writer, in Report report)
    {
        writer.WriteStartObject();
        writer.WriteString("reportId"u8, report.ReportId);
        writer.WriteString("enterpriseId"u8, report.EnterpriseId.Value);
        writer.WriteString("region"u8, report.Region.ToString());
        writer.WriteString("sector"u8, report.Sector.Name());
        writer.WriteString("kind"u8, report.Kind.Name());
        writer.WriteString("observedAt"u8, report.ObservedAt);
        writer.WritePropertyName("payload"u8);
        writer.WriteStartObject();
        switch (report.Payload)
        {
            case ColdChainReading c:
                writer.WriteString("deviceId"u8, c.DeviceId);
                writer.WriteString("storageClass"u8, c.StorageClass.Name());
                writer.WriteNumber("temperatureC"u8, c.TemperatureC);
                break;
            case EquipmentTelemetry t:
                writer.WriteString("equipmentId"u8, t.EquipmentId);
                writer.WriteString("equipmentType"u8, t.EquipmentType.Name());
                writer.WriteString("metric"u8, t.Metric);
                writer.WriteNumber("value"u8, t.Value);
                break;
            default:
                throw new NotSupportedException($"no envelope writer for {report.Payload.GetType().Name}");
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes <paramref name="reports"/> as NDJSON into <paramref name="output"/>.</summary>
    public static void WriteNdjson(IEnumerable<Report> reports, System.Buffers.IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        foreach (var report in reports)
        {
            Write(writer, report);
            writer.Flush();
            output.Write("\n"u8);
            writer.Reset(output);
        }
    }
}

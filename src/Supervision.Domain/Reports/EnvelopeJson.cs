using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Supervision.Domain.Reports;

/// <summary>
/// Writes reports as the JSON envelope of DESIGN.md "Contracts" (one object; NDJSON is one per line). The
/// canonical form: what the simulator sends, what the write-ahead log keeps, what decoders read back.
/// </summary>
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
        WritePayload(writer, report.Payload);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes <paramref name="reports"/> as NDJSON into <paramref name="output"/>.</summary>
    public static void WriteNdjson(IEnumerable<Report> reports, IBufferWriter<byte> output)
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

    /// <summary>The payload's fields in wire form, in schema order: (name, value) with strings, numbers and booleans.</summary>
    public static IReadOnlyList<(string Name, object Value)> Fields(ReportPayload payload) => payload switch
    {
        ColdChainReading p => [("deviceId", p.DeviceId), ("storageClass", p.StorageClass.Name()), ("temperatureC", p.TemperatureC)],
        EquipmentTelemetry p => [("equipmentId", p.EquipmentId), ("equipmentType", p.EquipmentType.Name()), ("metric", p.Metric), ("value", p.Value)],
        FoodBatch p => [("licenceNo", p.LicenceNo), ("product", p.Product), ("batchNo", p.BatchNo), ("productionDate", Date(p.ProductionDate)), ("shelfLifeDays", (double)p.ShelfLifeDays), ("quantity", p.Quantity)],
        FoodSampling p => [("product", p.Product), ("testItem", p.TestItem), ("value", p.Value), ("limit", p.Limit), ("unit", p.Unit)],
        DrugStorageReading p => [("warehouseId", p.WarehouseId), ("storageClass", p.StorageClass.Name()), ("temperatureC", p.TemperatureC)],
        DrugBatch p => [("approvalNo", p.ApprovalNo), ("batchNo", p.BatchNo), ("expiry", Date(p.Expiry)), ("quantity", p.Quantity), ("movement", p.Movement.Name())],
        DrugAdverseEvent p => [("product", p.Product), ("reaction", p.Reaction), ("serious", p.Serious)],
        AgriResidue p => [("commodity", p.Commodity), ("pesticide", p.Pesticide), ("valueMgKg", p.ValueMgKg)],
        AgriOrigin { FromEnterpriseId.Length: > 0 } p =>
            [("traceCode", p.TraceCode), ("commodity", p.Commodity), ("originRegion", p.OriginRegion.ToString()), ("quantityKg", p.QuantityKg), ("fromEnterpriseId", p.FromEnterpriseId)],
        AgriOrigin p => [("traceCode", p.TraceCode), ("commodity", p.Commodity), ("originRegion", p.OriginRegion.ToString()), ("quantityKg", p.QuantityKg)],
        EquipmentInspection p => [("equipmentId", p.EquipmentId), ("equipmentType", p.EquipmentType.Name()), ("inspectedAt", Date(p.InspectedAt)), ("result", p.Result.Name()), ("nextDueDate", Date(p.NextDueDate))],
        _ => throw new NotSupportedException($"no envelope writer for {payload.GetType().Name}"),
    };

    private static void WritePayload(Utf8JsonWriter writer, ReportPayload payload)
    {
        // The two telemetry kinds are the bulk of traffic: written directly, without the field list.
        switch (payload)
        {
            case ColdChainReading c:
                writer.WriteString("deviceId"u8, c.DeviceId);
                writer.WriteString("storageClass"u8, c.StorageClass.Name());
                writer.WriteNumber("temperatureC"u8, c.TemperatureC);
                return;
            case EquipmentTelemetry t:
                writer.WriteString("equipmentId"u8, t.EquipmentId);
                writer.WriteString("equipmentType"u8, t.EquipmentType.Name());
                writer.WriteString("metric"u8, t.Metric);
                writer.WriteNumber("value"u8, t.Value);
                return;
        }
        foreach (var (name, value) in Fields(payload))
        {
            switch (value)
            {
                case string s:
                    writer.WriteString(name, s);
                    break;
                case double d:
                    writer.WriteNumber(name, d);
                    break;
                case bool b:
                    writer.WriteBoolean(name, b);
                    break;
                default:
                    throw new NotSupportedException($"payload field {name} has type {value.GetType().Name}");
            }
        }
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

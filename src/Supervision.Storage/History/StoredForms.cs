using System.Text.Json;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;

namespace Supervision.Storage.History;

/// <summary>A report flattened to columns every backend stores alike: subject, attribute, metric, value, payload JSON.</summary>
/// <param name="Subject">Device, equipment or batch the report is about.</param>
/// <param name="Attribute">Its class or type (storage class, equipment type).</param>
/// <param name="Metric">What was measured (<c>temperatureC</c>, a telemetry metric).</param>
/// <param name="Value">The measurement.</param>
/// <param name="PayloadJson">The whole payload as JSON.</param>
public readonly record struct NormalisedReport(string Subject, string Attribute, string Metric, double Value, string PayloadJson);

/// <summary>The stored forms of domain values, shared by the backends so both store and read the same text.</summary>
public static class StoredForms
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The report in columns. Where the columns hold the whole payload (cold chain, telemetry) the payload JSON
    /// is left empty: serialising it cost more than the rest of a write, and <see cref="PayloadJson"/> rebuilds it.
    /// </summary>
    public static NormalisedReport Normalise(in Report report) =>
        TryColumns(report.Payload, out var subject, out var attribute, out var metric, out var value)
            ? new(subject, attribute, metric, value, "")
            : new("", "", "", 0, SerialisePayload(report.Payload));

    /// <summary>
    /// The columns of a payload they hold whole (cold chain, telemetry); false for the other kinds, whose
    /// <see cref="Normalise"/>d columns are empty and whose payload is stored as JSON.
    /// </summary>
    public static bool TryColumns(ReportPayload payload, out string subject, out string attribute, out string metric, out double value)
    {
        switch (payload)
        {
            case ColdChainReading c:
                (subject, attribute, metric, value) = (c.DeviceId, c.StorageClass.Name(), "temperatureC", c.TemperatureC);
                return true;
            case EquipmentTelemetry t:
                (subject, attribute, metric, value) = (t.EquipmentId, t.EquipmentType.Name(), t.Metric, t.Value);
                return true;
            default:
                (subject, attribute, metric, value) = ("", "", "", 0);
                return false;
        }
    }

    /// <summary>A payload as JSON (the stored form of the kinds <see cref="TryColumns"/> does not hold).</summary>
    public static string SerialisePayload(ReportPayload payload) => JsonSerializer.Serialize(payload, payload.GetType(), Json);

    /// <summary>The payload JSON of a stored report: as stored, or rebuilt from its columns.</summary>
    public static string PayloadJson(string kind, string subject, string attribute, string metric, double value, string stored)
    {
        if (stored.Length > 0)
        {
            return stored;
        }
        return kind switch
        {
            "food.coldchain" => JsonSerializer.Serialize(new { deviceId = subject, storageClass = attribute, temperatureC = value }, Json),
            "equipment.telemetry" => JsonSerializer.Serialize(new { equipmentId = subject, equipmentType = attribute, metric, value }, Json),
            _ => "{}",
        };
    }

    /// <summary>Reasons or an explanation as JSON.</summary>
    public static string ToJson(IReadOnlyList<ExplanationItem> items) => JsonSerializer.Serialize(items, Json);

    /// <summary>Reasons or an explanation from JSON.</summary>
    public static ExplanationItem[] ExplanationFromJson(string json) => JsonSerializer.Deserialize<ExplanationItem[]>(json, Json) ?? [];

    /// <summary>The wire name of an enum value (<c>critical</c>, <c>acknowledged</c>, <c>B</c>).</summary>
    public static string Wire<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value).Trim('"');

    /// <summary>Parses a wire name written by <see cref="Wire{T}"/>.</summary>
    public static T FromWire<T>(string text) where T : struct, Enum => JsonSerializer.Deserialize<T>("\"" + text + "\"");

    /// <summary>A sector from its stored name.</summary>
    public static Sector SectorFrom(string text) =>
        Sectors.TryParse(text, out var sector) ? sector : throw new InvalidDataException($"stored sector '{text}' is unknown");

    /// <summary>
    /// Orders the events of one alert without a server-side sequence: status first (open, acknowledged,
    /// resolved), then last-seen time, then count. The event with the highest version is the alert's state.
    /// </summary>
    public static long AlertVersion(Alert alert) =>
        ((long)alert.Status << 56) | (Math.Clamp(alert.LastSeen.ToUnixTimeMilliseconds(), 0, (1L << 42) - 1) << 14) | (long)Math.Clamp(alert.Count, 0, (1 << 14) - 1);

    /// <summary>
    /// A string as stored: NUL characters become U+FFFD, because DuckDB's C API ends strings at NUL and both
    /// backends must store the same text.
    /// </summary>
    public static string Text(string value) => value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;

    /// <summary>Checks a string a query matches against; NUL cannot be stored, so it cannot be asked for.</summary>
    public static string Criterion(string value, string name) => value.Contains('\0', StringComparison.Ordinal)
        ? throw new ArgumentException($"{name} must not contain a NUL character", name)
        : value;

    /// <summary>UTC milliseconds since the epoch.</summary>
    public static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    /// <summary>From UTC milliseconds since the epoch.</summary>
    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}

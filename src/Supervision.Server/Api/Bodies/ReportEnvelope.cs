namespace Supervision.Server.Api.Bodies;

/// <summary>
/// One report as sent (DESIGN.md "Contracts"), for the API document: the decoders read bodies themselves, field by
/// field, so this type only describes them.
/// </summary>
/// <param name="ReportId">Sender-unique id, the idempotency key.</param>
/// <param name="EnterpriseId">Unified Social Credit Code with a valid check character.</param>
/// <param name="Region">Six-digit GB/T 2260 division code.</param>
/// <param name="Sector">food, drug, agri or equipment.</param>
/// <param name="Kind">The report kind, e.g. food.coldchain (DOMAIN.md lists them).</param>
/// <param name="ObservedAt">Event time, ISO 8601 with offset.</param>
/// <param name="Payload">The kind's fields, e.g. deviceId, storageClass, temperatureC.</param>
public sealed record ReportEnvelope(
    string ReportId,
    string EnterpriseId,
    string Region,
    string Sector,
    string Kind,
    DateTimeOffset ObservedAt,
    Dictionary<string, System.Text.Json.JsonElement> Payload);

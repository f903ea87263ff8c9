using System.Globalization;
using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;
using Supervision.Ingest.Decoding;

namespace Supervision.Ingest.Validation;

/// <summary>
/// Turns a <see cref="RawRecord"/> from any decoder into a <see cref="Report"/>, or into the complete list of
/// what is wrong with it, field by field. One validator for every format, so the same record gets the same
/// verdict whether it came as JSON, NDJSON, CSV or Arrow.
/// </summary>
public sealed class ReportValidator
{
    /// <summary>Longest accepted <c>reportId</c>.</summary>
    public const int MaxReportIdLength = 128;

    private const int MaxIdLength = 64;

    private readonly TimeProvider _clock;
    private readonly TimeSpan _maxFutureSkew;

    /// <summary>
    /// A validator that rejects <c>observedAt</c> more than <paramref name="maxFutureSkew"/> ahead of
    /// <paramref name="clock"/>: a report cannot describe the future, and a wrong device clock would
    /// otherwise push event time ahead for everyone.
    /// </summary>
    public ReportValidator(TimeProvider clock, TimeSpan maxFutureSkew)
    {
        _clock = clock;
        _maxFutureSkew = maxFutureSkew;
    }

    /// <summary>Kinds this build accepts; other known kinds are rejected until their payload schema exists.</summary>
    public static IReadOnlyList<ReportKind> AcceptedKinds { get; } = [ReportKind.FoodColdChain, ReportKind.EquipmentTelemetry];

    /// <summary>
    /// Validates <paramref name="raw"/>. On failure returns false and leaves the reasons in
    /// <paramref name="errors"/> (which also receives the decoder's own errors).
    /// </summary>
    public bool TryValidate(RawRecord raw, out Report report, List<FieldError> errors)
    {
        errors.Clear();
        errors.AddRange(raw.DecodeErrors);
        report = default;

        var reportId = raw.ReportId;
        if (string.IsNullOrEmpty(reportId))
        {
            errors.Add(new FieldError("reportId", "is required"));
        }
        else if (reportId.Length > MaxReportIdLength)
        {
            errors.Add(new FieldError("reportId", $"must be at most {MaxReportIdLength} characters, got {reportId.Length}"));
        }

        EnterpriseId enterprise = default;
        if (raw.EnterpriseId is null)
        {
            errors.Add(new FieldError("enterpriseId", "is required"));
        }
        else if (!EnterpriseId.TryParse(raw.EnterpriseId, out enterprise, out var idError))
        {
            errors.Add(new FieldError("enterpriseId", "is not a valid Unified Social Credit Code: " + idError));
        }

        RegionCode region = default;
        if (raw.Region is null)
        {
            errors.Add(new FieldError("region", "is required"));
        }
        else if (!RegionCode.TryParse(raw.Region, out region, out var regionError))
        {
            errors.Add(new FieldError("region", "is not a GB/T 2260 division code: " + regionError));
        }

        ReportKind kind = 0;
        if (raw.Kind is null)
        {
            errors.Add(new FieldError("kind", "is required"));
        }
        else if (!ReportKinds.TryParse(raw.Kind, out kind))
        {
            errors.Add(new FieldError("kind", $"'{raw.Kind}' is not a known report kind"));
        }
        else if (!IsAccepted(kind))
        {
            errors.Add(new FieldError("kind", $"'{raw.Kind}' is not accepted by this server yet"));
            kind = 0;
        }

        if (raw.Sector is null)
        {
            errors.Add(new FieldError("sector", "is required"));
        }
        else if (!Sectors.TryParse(raw.Sector, out var sector))
        {
            errors.Add(new FieldError("sector", $"'{raw.Sector}' is not one of food, drug, agri, equipment"));
        }
        else if (kind != 0 && kind.SectorOf() != sector)
        {
            errors.Add(new FieldError("sector", $"is '{raw.Sector}' but kind '{raw.Kind}' belongs to '{kind.SectorOf().Name()}'"));
        }

        var observedAt = ParseObservedAt(raw.ObservedAt, errors);
        if (observedAt != default && observedAt - _clock.GetUtcNow() > _maxFutureSkew)
        {
            errors.Add(new FieldError("observedAt", $"'{raw.ObservedAt}' is more than {_maxFutureSkew.TotalMinutes:0.#} min in the future"));
        }

        ReportPayload? payload = null;
        if (!raw.HasPayload)
        {
            errors.Add(new FieldError("payload", "is required"));
        }
        else if (kind != 0)
        {
            payload = ReadPayload(kind, raw.Payload, errors);
        }

        if (errors.Count > 0 || payload is null)
        {
            return false;
        }
        report = new Report(reportId!, enterprise, region, kind, observedAt, payload);
        return true;
    }

    private static bool IsAccepted(ReportKind kind)
    {
        foreach (var accepted in AcceptedKinds)
        {
            if (accepted == kind)
            {
                return true;
            }
        }
        return false;
    }

    private static DateTimeOffset ParseObservedAt(string? text, List<FieldError> errors)
    {
        if (text is null)
        {
            errors.Add(new FieldError("observedAt", "is required"));
            return default;
        }
        var t = text.IndexOf('T', StringComparison.Ordinal);
        if (t < 0)
        {
            errors.Add(new FieldError("observedAt", $"'{text}' is not an ISO 8601 date and time (expected e.g. 2026-11-27T09:00:00+08:00)"));
            return default;
        }
        var time = text.AsSpan(t + 1);
        if (time.IndexOfAny('Z', '+', '-') < 0 && time.IndexOf('z') < 0)
        {
            errors.Add(new FieldError("observedAt", $"'{text}' has no UTC offset; add Z or +hh:mm"));
            return default;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            errors.Add(new FieldError("observedAt", $"'{text}' is not an ISO 8601 date and time"));
            return default;
        }
        return value;
    }

    private static ReportPayload? ReadPayload(ReportKind kind, List<RawField> fields, List<FieldError> errors)
    {
        var before = errors.Count;
        ReportPayload? payload;
        var reader = new PayloadReader(fields, errors, kind.Name());
        switch (kind)
        {
            case ReportKind.FoodColdChain:
            {
                var deviceId = reader.RequiredString("deviceId", MaxIdLength);
                var storage = reader.RequiredEnum<FoodStorageClass>("storageClass", EquipmentMetrics.TryParseStorage, "frozen, chilled");
                var temperature = reader.RequiredNumber("temperatureC", -80, 60, "°C");
                payload = new ColdChainReading(deviceId, storage, temperature);
                break;
            }
            case ReportKind.EquipmentTelemetry:
            {
                var equipmentId = reader.RequiredString("equipmentId", MaxIdLength);
                var type = reader.RequiredEnum<EquipmentType>("equipmentType", EquipmentMetrics.TryParseType, "elevator, boiler, pressure_vessel, crane");
                var metric = reader.RequiredString("metric", MaxIdLength);
                var value = reader.RequiredNumber("value", -1e9, 1e9, "");
                payload = new EquipmentTelemetry(equipmentId, type, metric, value);
                break;
            }
            default:
                throw new InvalidOperationException($"no payload schema for accepted kind {kind}");
        }
        reader.RejectUnknown();
        return errors.Count == before ? payload : null;
    }
}

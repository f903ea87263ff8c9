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
    private const int MaxTextLength = 256;

    /// <summary>Most payload fields a record may carry.</summary>
    public const int MaxPayloadFields = 64;

    private readonly TimeProvider _clock;
    private readonly TimeSpan _maxFutureSkew;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, EnterpriseId> _enterprises = new(StringComparer.Ordinal);

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

    /// <summary>How far in the future <c>observedAt</c> may be.</summary>
    public TimeSpan MaxFutureSkew => _maxFutureSkew;

    /// <summary>The validator's clock, read once per body by decoders.</summary>
    public DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>
    /// Validates <paramref name="raw"/>. On failure returns false and leaves the reasons in
    /// <paramref name="errors"/> (which also receives the decoder's own errors).
    /// </summary>
    public bool TryValidate(RawRecord raw, out Report report, List<FieldError> errors) =>
        TryValidate(raw, out report, errors, _clock.GetUtcNow());

    /// <summary>As <see cref="TryValidate(RawRecord, out Report, List{FieldError})"/>, with the clock read once per batch by the caller.</summary>
    public bool TryValidate(RawRecord raw, out Report report, List<FieldError> errors, DateTimeOffset now)
    {
        errors.Clear();
        errors.AddRange(raw.DecodeErrors);
        foreach (var extra in raw.Extra)
        {
            // An empty name still has to point somewhere: show it as "".
            errors.Add(new FieldError(extra.Name.Length == 0 ? "\"\"" : extra.Name, "is not an envelope field (reportId, enterpriseId, region, sector, kind, observedAt, payload)"));
        }
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
        else if (!TryEnterprise(raw.EnterpriseId, out enterprise, out var idError))
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
        if (observedAt != default && observedAt - now > _maxFutureSkew)
        {
            errors.Add(new FieldError("observedAt", $"'{raw.ObservedAt}' is more than {_maxFutureSkew.TotalMinutes:0.#} min in the future"));
        }

        ReportPayload? payload = null;
        if (!raw.HasPayload)
        {
            errors.Add(new FieldError("payload", "is required"));
        }
        else if (raw.Payload.Count > MaxPayloadFields)
        {
            // Every format can carry more fields than any kind has (CSV and Arrow columns are shared by all rows).
            errors.Add(new FieldError("payload", $"has {raw.Payload.Count} fields; no kind has more than {MaxPayloadFields}"));
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

    private static DateTimeOffset ParseObservedAt(string? text, List<FieldError> errors)
    {
        if (text is null)
        {
            errors.Add(new FieldError("observedAt", "is required"));
            return default;
        }
        if (IsoTimestamp.TryParse(text, out var fast))
        {
            return fast;
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

    // Check-character validation costs more than a look-up; the same few thousand enterprises report all day.
    internal bool TryEnterprise(string text, out EnterpriseId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        if (_enterprises.TryGetValue(text, out id))
        {
            error = null;
            return true;
        }
        if (!EnterpriseId.TryParse(text, out id, out error))
        {
            return false;
        }
        if (_enterprises.Count >= 100_000)
        {
            _enterprises.Clear();
        }
        _enterprises.TryAdd(text, id);
        return true;
    }

    private const string EquipmentTypes = "elevator, boiler, pressure_vessel, crane";

    private static FoodSampling ReadSampling(ref PayloadReader reader)
    {
        var product = reader.RequiredString("product", MaxTextLength);
        var item = reader.RequiredString("testItem", MaxTextLength);
        var value = reader.RequiredNumber("value", 0, 1e9, "");
        var limit = reader.RequiredNumber("limit", 0, 1e9, "");
        var unit = reader.RequiredString("unit", 16);
        if (unit.Length > 0 && !PayloadNames.SamplingUnits.Contains(unit))
        {
            reader.Reject("unit", $"'{unit}' is not one of {string.Join(", ", PayloadNames.SamplingUnits)}");
        }
        return new FoodSampling(product, item, value, limit, unit);
    }

    private static EquipmentInspection ReadInspection(ref PayloadReader reader)
    {
        var id = reader.RequiredString("equipmentId", MaxIdLength);
        var type = reader.RequiredEnum<EquipmentType>("equipmentType", PayloadNames.TryParseType, EquipmentTypes);
        var inspected = reader.RequiredDate("inspectedAt");
        var result = reader.RequiredEnum<InspectionResult>("result", PayloadNames.TryParseInspectionResult, "pass, fail");
        var due = reader.RequiredDate("nextDueDate");
        if (inspected != default && due != default && due <= inspected)
        {
            reader.Reject("nextDueDate", $"{due:yyyy-MM-dd} is not after inspectedAt {inspected:yyyy-MM-dd}");
        }
        return new EquipmentInspection(id, type, inspected, result, due);
    }

    private static RegionCode ReadRegion(ref PayloadReader reader, string name)
    {
        var text = reader.RequiredString(name, 6);
        if (text.Length == 0)
        {
            return default;
        }
        if (!RegionCode.TryParse(text, out var region, out var problem))
        {
            reader.Reject(name, "is not a GB/T 2260 division code: " + problem);
        }
        return region;
    }

    private static ReportPayload? ReadPayload(ReportKind kind, List<RawField> fields, List<FieldError> errors)
    {
        var before = errors.Count;
        var reader = new PayloadReader(fields, errors, kind.Name());
        ReportPayload payload = kind switch
        {
            ReportKind.FoodColdChain => new ColdChainReading(
                reader.RequiredString("deviceId", MaxIdLength),
                reader.RequiredEnum<FoodStorageClass>("storageClass", PayloadNames.TryParseStorage, "frozen, chilled"),
                reader.RequiredNumber("temperatureC", -80, 60, "°C")),
            ReportKind.EquipmentTelemetry => new EquipmentTelemetry(
                reader.RequiredString("equipmentId", MaxIdLength),
                reader.RequiredEnum<EquipmentType>("equipmentType", PayloadNames.TryParseType, EquipmentTypes),
                reader.RequiredString("metric", MaxIdLength),
                reader.RequiredNumber("value", -1e9, 1e9, "")),
            ReportKind.FoodBatch => new FoodBatch(
                reader.RequiredCode("licenceNo", 16, s => Licences.ValidateFoodLicence(s)),
                reader.RequiredString("product", MaxTextLength),
                reader.RequiredString("batchNo", MaxIdLength),
                reader.RequiredDate("productionDate"),
                reader.RequiredInt("shelfLifeDays", 1, 3650, "days"),
                reader.RequiredNumber("quantity", 0, 1e12, "")),
            ReportKind.FoodSampling => ReadSampling(ref reader),
            ReportKind.DrugStorage => new DrugStorageReading(
                reader.RequiredString("warehouseId", MaxIdLength),
                reader.RequiredEnum<DrugStorageClass>("storageClass", PayloadNames.TryParseDrugStorage, "cold, cool, normal"),
                reader.RequiredNumber("temperatureC", -80, 60, "°C")),
            ReportKind.DrugBatch => new DrugBatch(
                reader.RequiredCode("approvalNo", 13, s => Licences.ValidateDrugApproval(s)),
                reader.RequiredString("batchNo", MaxIdLength),
                reader.RequiredDate("expiry"),
                reader.RequiredNumber("quantity", 0, 1e12, ""),
                reader.RequiredEnum<Movement>("movement", PayloadNames.TryParseMovement, "in, out")),
            ReportKind.DrugAdverseEvent => new DrugAdverseEvent(
                reader.RequiredString("product", MaxTextLength),
                reader.RequiredString("reaction", MaxTextLength),
                reader.RequiredBool("serious")),
            ReportKind.AgriResidue => new AgriResidue(
                reader.RequiredString("commodity", MaxTextLength),
                reader.RequiredString("pesticide", MaxTextLength),
                reader.RequiredNumber("valueMgKg", 0, 1e6, "mg/kg")),
            ReportKind.AgriOrigin => new AgriOrigin(
                reader.RequiredString("traceCode", MaxIdLength),
                reader.RequiredString("commodity", MaxTextLength),
                ReadRegion(ref reader, "originRegion"),
                reader.RequiredNumber("quantityKg", 0, 1e12, "kg"),
                reader.OptionalCode("fromEnterpriseId", EnterpriseId.Length, s => EnterpriseId.Validate(s))),
            ReportKind.EquipmentInspection => ReadInspection(ref reader),
            _ => throw new InvalidOperationException($"no payload schema for kind {kind}"),
        };
        reader.RejectUnknown();
        return errors.Count == before ? payload : null;
    }
}

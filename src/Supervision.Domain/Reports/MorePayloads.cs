using System.Text.Json.Serialization;

namespace Supervision.Domain.Reports;

/// <summary><c>food.batch</c>: a production batch under a food production licence.</summary>
public sealed record FoodBatch(string LicenceNo, string Product, string BatchNo, DateOnly ProductionDate, int ShelfLifeDays, double Quantity) : ReportPayload;

/// <summary><c>food.sampling</c>: one test item of a food sample against its limit.</summary>
public sealed record FoodSampling(string Product, string TestItem, double Value, double Limit, string Unit) : ReportPayload;

/// <summary>Chinese Pharmacopoeia storage classes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DrugStorageClass>))]
public enum DrugStorageClass : byte
{
    /// <summary>2–10 °C.</summary>
    [JsonStringEnumMemberName("cold")] Cold = 1,

    /// <summary>At most 20 °C.</summary>
    [JsonStringEnumMemberName("cool")] Cool,

    /// <summary>10–30 °C.</summary>
    [JsonStringEnumMemberName("normal")] Normal,
}

/// <summary><c>drug.storage</c>: one temperature reading of a drug warehouse.</summary>
public sealed record DrugStorageReading(string WarehouseId, DrugStorageClass StorageClass, double TemperatureC) : ReportPayload;

/// <summary>Direction of a stock movement.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Movement>))]
public enum Movement : byte
{
    [JsonStringEnumMemberName("in")] In = 1,
    [JsonStringEnumMemberName("out")] Out,
}

/// <summary><c>drug.batch</c>: a movement of a drug batch in or out of stock.</summary>
public sealed record DrugBatch(string ApprovalNo, string BatchNo, DateOnly Expiry, double Quantity, Movement Movement) : ReportPayload;

/// <summary><c>drug.adverse_event</c>: one adverse drug reaction report.</summary>
public sealed record DrugAdverseEvent(string Product, string Reaction, bool Serious) : ReportPayload;

/// <summary><c>agri.residue</c>: a pesticide residue measurement on a commodity.</summary>
public sealed record AgriResidue(string Commodity, string Pesticide, double ValueMgKg) : ReportPayload;

/// <summary>
/// <c>agri.origin</c>: one link of a lot's traceability chain: the reporting enterprise holds
/// <paramref name="QuantityKg"/> of the lot <paramref name="TraceCode"/>, grown in <paramref name="OriginRegion"/>,
/// received from <paramref name="FromEnterpriseId"/> (empty for the origin link, the grower's own report).
/// </summary>
public sealed record AgriOrigin(string TraceCode, string Commodity, Identifiers.RegionCode OriginRegion, double QuantityKg, string FromEnterpriseId = "") : ReportPayload;

/// <summary>Outcome of a periodic inspection.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InspectionResult>))]
public enum InspectionResult : byte
{
    [JsonStringEnumMemberName("pass")] Pass = 1,
    [JsonStringEnumMemberName("fail")] Fail,
}

/// <summary><c>equipment.inspection</c>: a periodic inspection of special equipment and when the next is due.</summary>
public sealed record EquipmentInspection(string EquipmentId, EquipmentType EquipmentType, DateOnly InspectedAt, InspectionResult Result, DateOnly NextDueDate) : ReportPayload;

/// <summary>Wire names of the payload enumerations.</summary>
public static class PayloadNames
{
    /// <summary>The wire name of an equipment type.</summary>
    public static string Name(this EquipmentType type) => type switch
    {
        EquipmentType.Elevator => "elevator",
        EquipmentType.Boiler => "boiler",
        EquipmentType.PressureVessel => "pressure_vessel",
        EquipmentType.Crane => "crane",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The wire name of a food storage class.</summary>
    public static string Name(this FoodStorageClass storage) => storage switch
    {
        FoodStorageClass.Frozen => "frozen",
        FoodStorageClass.Chilled => "chilled",
        _ => throw new ArgumentOutOfRangeException(nameof(storage), storage, null),
    };

    /// <summary>Parses a food storage class wire name.</summary>
    public static bool TryParseStorage(ReadOnlySpan<char> name, out FoodStorageClass storage)
    {
        storage = name switch
        {
            "frozen" => FoodStorageClass.Frozen,
            "chilled" => FoodStorageClass.Chilled,
            _ => 0,
        };
        return storage != 0;
    }

    /// <summary>Known equipment types by wire name.</summary>
    public static bool TryParseType(ReadOnlySpan<char> name, out EquipmentType type)
    {
        type = name switch
        {
            "elevator" => EquipmentType.Elevator,
            "boiler" => EquipmentType.Boiler,
            "pressure_vessel" => EquipmentType.PressureVessel,
            "crane" => EquipmentType.Crane,
            _ => 0,
        };
        return type != 0;
    }

    public static string Name(this DrugStorageClass value) => value switch
    {
        DrugStorageClass.Cold => "cold",
        DrugStorageClass.Cool => "cool",
        DrugStorageClass.Normal => "normal",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static bool TryParseDrugStorage(ReadOnlySpan<char> text, out DrugStorageClass value)
    {
        value = text switch { "cold" => DrugStorageClass.Cold, "cool" => DrugStorageClass.Cool, "normal" => DrugStorageClass.Normal, _ => 0 };
        return value != 0;
    }

    public static string Name(this Movement value) => value == Movement.In ? "in" : "out";

    public static bool TryParseMovement(ReadOnlySpan<char> text, out Movement value)
    {
        value = text switch { "in" => Movement.In, "out" => Movement.Out, _ => 0 };
        return value != 0;
    }

    public static string Name(this InspectionResult value) => value == InspectionResult.Pass ? "pass" : "fail";

    public static bool TryParseInspectionResult(ReadOnlySpan<char> text, out InspectionResult value)
    {
        value = text switch { "pass" => InspectionResult.Pass, "fail" => InspectionResult.Fail, _ => 0 };
        return value != 0;
    }

    /// <summary>Units a <c>food.sampling</c> value may be given in.</summary>
    public static IReadOnlyList<string> SamplingUnits { get; } = ["mg/kg", "µg/kg", "g/kg", "mg/L", "µg/L", "cfu/g", "cfu/mL", "%"];
}

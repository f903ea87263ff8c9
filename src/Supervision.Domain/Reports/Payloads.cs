using System.Text.Json.Serialization;

namespace Supervision.Domain.Reports;

/// <summary>The typed payload of a report; one derived record per <see cref="ReportKind"/>.</summary>
public abstract record ReportPayload;

/// <summary>Storage classes for food cold chains.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FoodStorageClass>))]
public enum FoodStorageClass : byte
{
    [JsonStringEnumMemberName("frozen")] Frozen = 1,
    [JsonStringEnumMemberName("chilled")] Chilled,
}

/// <summary><c>food.coldchain</c>: one temperature reading of a cold store or vehicle.</summary>
public sealed record ColdChainReading(string DeviceId, FoodStorageClass StorageClass, double TemperatureC) : ReportPayload;

/// <summary>Kinds of special equipment.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EquipmentType>))]
public enum EquipmentType : byte
{
    [JsonStringEnumMemberName("elevator")] Elevator = 1,
    [JsonStringEnumMemberName("boiler")] Boiler,
    [JsonStringEnumMemberName("pressure_vessel")] PressureVessel,
    [JsonStringEnumMemberName("crane")] Crane,
}

/// <summary><c>equipment.telemetry</c>: one metric of one piece of special equipment.</summary>
/// <param name="EquipmentId">The owner's id of the equipment.</param>
/// <param name="EquipmentType">What the equipment is.</param>
/// <param name="Metric">What was measured, e.g. <see cref="EquipmentMetrics.TrappedPassenger"/>.</param>
/// <param name="Value">The measurement; flags are 0 or 1.</param>
public sealed record EquipmentTelemetry(string EquipmentId, EquipmentType EquipmentType, string Metric, double Value) : ReportPayload;

/// <summary>Metric names the rules understand (other metrics are stored but not judged), and payload enum wire names.</summary>
public static class EquipmentMetrics
{
    /// <summary>Elevator car stopped with passengers inside: 1 while trapped, 0 when released.</summary>
    public const string TrappedPassenger = "trapped_passenger";

    /// <summary>Elevator door fault flag.</summary>
    public const string DoorFault = "door_fault";

    /// <summary>Boiler or vessel working pressure in MPa.</summary>
    public const string PressureMpa = "pressure_mpa";

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
}

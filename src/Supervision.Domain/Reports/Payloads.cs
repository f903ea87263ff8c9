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

/// <summary>Metric names the rules understand; other metrics are stored but not judged.</summary>
public static class EquipmentMetrics
{
    /// <summary>Elevator car stopped with passengers inside: 1 while trapped, 0 when released.</summary>
    public const string TrappedPassenger = "trapped_passenger";

    /// <summary>Elevator door fault flag.</summary>
    public const string DoorFault = "door_fault";

    /// <summary>Boiler or vessel working pressure in MPa.</summary>
    public const string PressureMpa = "pressure_mpa";

    /// <summary>Elevator car speed in m/s.</summary>
    public const string SpeedMs = "speed_ms";
}

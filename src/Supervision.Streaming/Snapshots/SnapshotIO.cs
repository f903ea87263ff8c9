using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;

namespace Supervision.Streaming.Snapshots;

/// <summary>Binary forms of the values engine state holds, for snapshots.</summary>
public static class SnapshotIO
{
    public static void WriteTime(this BinaryWriter writer, DateTimeOffset value)
    {
        writer.Write(value.UtcTicks);
        writer.Write((short)value.Offset.TotalMinutes);
    }

    public static DateTimeOffset ReadTime(this BinaryReader reader)
    {
        var ticks = reader.ReadInt64();
        var offset = TimeSpan.FromMinutes(reader.ReadInt16());
        return new DateTimeOffset(ticks + offset.Ticks, offset);
    }

    public static void WriteNullable(this BinaryWriter writer, double? value)
    {
        writer.Write(value.HasValue);
        if (value is { } v)
        {
            writer.Write(v);
        }
    }

    public static double? ReadNullableDouble(this BinaryReader reader) => reader.ReadBoolean() ? reader.ReadDouble() : null;

    public static void WriteExplanation(this BinaryWriter writer, IReadOnlyList<ExplanationItem> items)
    {
        writer.Write(items.Count);
        foreach (var item in items)
        {
            writer.Write(item.Feature);
            writer.Write(item.Value);
            writer.WriteNullable(item.Limit);
            writer.WriteNullable(item.Contribution);
        }
    }

    public static ExplanationItem[] ReadExplanation(this BinaryReader reader)
    {
        var items = new ExplanationItem[reader.ReadInt32()];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new ExplanationItem(reader.ReadString(), reader.ReadDouble(), reader.ReadNullableDouble(), reader.ReadNullableDouble());
        }
        return items;
    }

    public static void WriteAlert(this BinaryWriter writer, Alert alert)
    {
        writer.Write(alert.AlertId);
        writer.Write(alert.Key);
        writer.Write(alert.EnterpriseId);
        writer.Write(alert.Region);
        writer.Write((byte)alert.Sector);
        writer.Write(alert.Kind);
        writer.Write((byte)alert.Severity);
        writer.Write((byte)alert.Status);
        writer.Write(alert.RiskScore);
        writer.Write(alert.RuleId);
        writer.Write(alert.ModelVersion);
        writer.Write(alert.RuleVersion);
        writer.WriteExplanation(alert.Explanation);
        writer.Write(alert.Summary);
        writer.WriteTime(alert.FirstSeen);
        writer.WriteTime(alert.LastSeen);
        writer.Write(alert.Count);
    }

    public static Alert ReadAlert(this BinaryReader reader) => new()
    {
        AlertId = reader.ReadString(),
        Key = reader.ReadString(),
        EnterpriseId = reader.ReadString(),
        Region = reader.ReadString(),
        Sector = (Sector)reader.ReadByte(),
        Kind = reader.ReadString(),
        Severity = (Severity)reader.ReadByte(),
        Status = (AlertStatus)reader.ReadByte(),
        RiskScore = reader.ReadDouble(),
        RuleId = reader.ReadString(),
        ModelVersion = reader.ReadString(),
        RuleVersion = reader.ReadString(),
        Explanation = reader.ReadExplanation(),
        Summary = reader.ReadString(),
        FirstSeen = reader.ReadTime(),
        LastSeen = reader.ReadTime(),
        Count = reader.ReadInt32(),
    };
}

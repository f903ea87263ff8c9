using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;

namespace Supervision.Streaming.State;

/// <summary>
/// Enterprises interned to dense integers in order of first report, so every per-enterprise table is an array.
/// An enterprise keeps its number for the life of the engine (and across snapshots).
/// </summary>
public sealed class EnterpriseTable
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<(EnterpriseId Id, RegionCode Region, Sector Sector)> _rows = [];

    /// <summary>Enterprises seen so far.</summary>
    public int Count => _rows.Count;

    /// <summary>The number of the report's enterprise; <paramref name="added"/> when it is new.</summary>
    public int Intern(in Report report, out bool added)
    {
        if (_index.TryGetValue(report.EnterpriseId.Value, out var index))
        {
            added = false;
            return index;
        }
        added = true;
        return Add(report.EnterpriseId, report.Region, report.Sector);
    }

    /// <summary>The number of an enterprise already seen.</summary>
    public bool TryFind(string enterpriseId, out int index) => _index.TryGetValue(enterpriseId, out index);

    /// <summary>The enterprise's identity as first reported.</summary>
    public (EnterpriseId Id, RegionCode Region, Sector Sector) this[int index] => _rows[index];

    internal int Add(EnterpriseId id, RegionCode region, Sector sector)
    {
        var index = _rows.Count;
        _index.Add(id.Value, index);
        _rows.Add((id, region, sector));
        return index;
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write(_rows.Count);
        foreach (var (id, region, sector) in _rows)
        {
            writer.Write(id.Value);
            writer.Write(region.Value);
            writer.Write((byte)sector);
        }
    }

    internal void Read(BinaryReader reader)
    {
        _index.Clear();
        _rows.Clear();
        var count = reader.ReadInt32();
        _index.EnsureCapacity(count);
        _rows.Capacity = count;
        for (var i = 0; i < count; i++)
        {
            var id = EnterpriseId.Parse(reader.ReadString());
            var region = RegionCode.FromValue(reader.ReadInt32());
            Add(id, region, (Sector)reader.ReadByte());
        }
    }
}

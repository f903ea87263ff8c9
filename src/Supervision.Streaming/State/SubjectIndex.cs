namespace Supervision.Streaming.State;

/// <summary>
/// The subjects of one report kind (a cold store, a warehouse, an equipment metric, a sample's product and test
/// item, a batch…) interned to dense integers, so rules keep their per-subject state in arrays indexed by them.
/// A subject is named by its enterprise and up to two strings. Each subject also carries its source's event-time
/// frontier (the newest observation applied), which the engine's disorder policy judges late reports against.
/// Subjects that can no longer matter are evicted and their numbers reused.
/// </summary>
public sealed class SubjectIndex
{
    private readonly Dictionary<(int Enterprise, string First, string Second), int> _index = [];
    private readonly Stack<int> _free = new();
    private int[] _enterprise = new int[16];
    private string[] _first = new string[16];
    private string[] _second = new string[16];
    private long[] _frontier = new long[16];
    private int[] _region = new int[16];
    private bool[] _live = new bool[16];
    private int _high;

    /// <summary>Subjects in use.</summary>
    public int Count => _index.Count;

    /// <summary>One more than the highest number ever given out: arrays indexed by subject need this length.</summary>
    public int Capacity => _high;

    /// <summary>The number of a subject, added when new (<paramref name="added"/>).</summary>
    public int Intern(int enterprise, string first, string second, out bool added)
    {
        if (_index.TryGetValue((enterprise, first, second), out var id))
        {
            added = false;
            return id;
        }
        added = true;
        id = _free.Count > 0 ? _free.Pop() : _high++;
        Place(id, enterprise, first, second, 0);
        return id;
    }

    /// <summary>True when <paramref name="id"/> names a subject in use.</summary>
    public bool IsLive(int id) => id < _high && _live[id];

    /// <summary>The enterprise of a subject.</summary>
    public int EnterpriseOf(int id) => _enterprise[id];

    /// <summary>The first name of a subject (device, product, equipment…).</summary>
    public string FirstOf(int id) => _first[id];

    /// <summary>The second name of a subject (metric, test item, batch…), empty when it has one name.</summary>
    public string SecondOf(int id) => _second[id];

    /// <summary>Where the subject's newest report was made (default before its first report).</summary>
    public Domain.Identifiers.RegionCode RegionOf(int id) => _region[id] == 0 ? default : Domain.Identifiers.RegionCode.FromValue(_region[id]);

    /// <summary>Records where the subject's report was made.</summary>
    public void Located(int id, Domain.Identifiers.RegionCode region) => _region[id] = region.Value;

    /// <summary>Newest event time applied for the subject, in ticks (0 before its first report).</summary>
    public ref long Frontier(int id) => ref _frontier[id];

    /// <summary>Forgets a subject; its number may be given to a new one.</summary>
    public void Evict(int id)
    {
        _index.Remove((_enterprise[id], _first[id], _second[id]));
        _live[id] = false;
        _first[id] = _second[id] = "";
        _frontier[id] = 0;
        _region[id] = 0;
        _free.Push(id);
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write(_high);
        writer.Write(_index.Count);
        for (var id = 0; id < _high; id++)
        {
            if (_live[id])
            {
                writer.Write(id);
                writer.Write(_enterprise[id]);
                writer.Write(_first[id]);
                writer.Write(_second[id]);
                writer.Write(_frontier[id]);
                writer.Write(_region[id]);
            }
        }
    }

    internal void Read(BinaryReader reader)
    {
        _index.Clear();
        _free.Clear();
        var high = reader.ReadInt32();
        Array.Clear(_live);
        EnsureCapacity(high);
        var count = reader.ReadInt32();
        _index.EnsureCapacity(count);
        for (var i = 0; i < count; i++)
        {
            var id = reader.ReadInt32();
            Place(id, reader.ReadInt32(), reader.ReadString(), reader.ReadString(), reader.ReadInt64());
            _region[id] = reader.ReadInt32();
        }
        _high = high;
        EnsureCapacity(high);
        for (var id = high - 1; id >= 0; id--)
        {
            if (!_live[id])
            {
                _free.Push(id);
            }
        }
    }

    private void Place(int id, int enterprise, string first, string second, long frontier)
    {
        EnsureCapacity(id + 1);
        _index.Add((enterprise, first, second), id);
        _enterprise[id] = enterprise;
        _first[id] = first;
        _second[id] = second;
        _frontier[id] = frontier;
        _live[id] = true;
        _high = Math.Max(_high, id + 1);
    }

    private void EnsureCapacity(int size)
    {
        if (_live.Length >= size)
        {
            return;
        }
        var length = Math.Max(size, _live.Length * 2);
        Array.Resize(ref _enterprise, length);
        Array.Resize(ref _first, length);
        Array.Resize(ref _second, length);
        Array.Resize(ref _frontier, length);
        Array.Resize(ref _region, length);
        Array.Resize(ref _live, length);
    }
}

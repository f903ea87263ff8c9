using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Supervision.Ingest.Idempotency;

/// <summary>
/// Remembers which (enterprise, reportId) pairs arrived in the last <c>retention</c> days, so a resent report counts
/// as a duplicate. Memory is bounded by the retention: ids are kept as 64-bit XxHash3 values in one open-addressing
/// table per arrival day (8 bytes a slot, at most 3/4 full: 11–21 MB per million ids), and a day's table is dropped
/// whole when it leaves the window. The server rebuilds it at start from the history store and the write-ahead
/// log, so it survives restarts without a file of its own. Thread-safe.
/// </summary>
/// <remarks>
/// Two different ids share a hash with probability about n²/2⁶⁵ (3·10⁻⁶ for ten million ids in the window); such a
/// report would be counted as a duplicate.
/// </remarks>
public sealed class ReportIdIndex
{
    private readonly TimeSpan _retention;
    private readonly Dictionary<long, HashTable> _days = [];
    private readonly Lock _lock = new();

    /// <summary>An index that remembers ids for at least <paramref name="retention"/>.</summary>
    public ReportIdIndex(TimeSpan retention)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retention, TimeSpan.FromDays(1));
        _retention = retention;
    }

    /// <summary>Ids remembered now.</summary>
    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _days.Values.Sum(t => (long)t.Count);
            }
        }
    }

    /// <summary>Bytes held by the tables.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _days.Values.Sum(t => t.Bytes);
            }
        }
    }

    /// <summary>The hash under which a report id is kept.</summary>
    public static ulong Key(string enterpriseId, string reportId)
    {
        var hasher = new XxHash3();
        hasher.Append(MemoryMarshal.AsBytes(enterpriseId.AsSpan()));
        hasher.Append([0, 0]);
        hasher.Append(MemoryMarshal.AsBytes(reportId.AsSpan()));
        var key = hasher.GetCurrentHashAsUInt64();
        // Zero marks an empty slot.
        return key == 0 ? 1 : key;
    }

    /// <summary>
    /// For each key, true when it is new (and now remembered as received at <paramref name="receivedAt"/>), false when
    /// it was seen within the window or earlier in <paramref name="keys"/>.
    /// </summary>
    public void TryAddAll(ReadOnlySpan<ulong> keys, DateTimeOffset receivedAt, Span<bool> added)
    {
        var day = Day(receivedAt);
        lock (_lock)
        {
            Expire(day);
            var table = TableFor(day);
            for (var i = 0; i < keys.Length; i++)
            {
                added[i] = !ContainsLocked(keys[i]) && table.Add(keys[i]);
            }
        }
    }

    /// <summary>Forgets keys that were added but whose reports could not be made durable.</summary>
    public void RemoveAll(ReadOnlySpan<ulong> keys, DateTimeOffset receivedAt)
    {
        lock (_lock)
        {
            if (_days.TryGetValue(Day(receivedAt), out var table))
            {
                foreach (var key in keys)
                {
                    table.Remove(key);
                }
            }
        }
    }

    /// <summary>Remembers one id from history (at start-up); ids older than the window are ignored.</summary>
    public void Seed(ulong key, DateTimeOffset receivedAt, DateTimeOffset now)
    {
        var day = Day(receivedAt);
        if (day < Day(now) - Days)
        {
            return;
        }
        lock (_lock)
        {
            TableFor(day).Add(key);
        }
    }

    private int Days => (int)Math.Ceiling(_retention.TotalDays);

    private static long Day(DateTimeOffset at) => at.UtcTicks / TimeSpan.TicksPerDay;

    private HashTable TableFor(long day)
    {
        if (!_days.TryGetValue(day, out var table))
        {
            table = new HashTable();
            _days.Add(day, table);
        }
        return table;
    }

    private bool ContainsLocked(ulong key)
    {
        foreach (var table in _days.Values)
        {
            if (table.Contains(key))
            {
                return true;
            }
        }
        return false;
    }

    // Keeps today and the (retention) days before it: at least the full retention for every id.
    private void Expire(long today)
    {
        List<long>? old = null;
        foreach (var day in _days.Keys)
        {
            if (day < today - Days)
            {
                (old ??= []).Add(day);
            }
        }
        if (old is not null)
        {
            foreach (var day in old)
            {
                _days.Remove(day);
            }
        }
    }

    /// <summary>Linear-probing set of non-zero 64-bit keys with backward-shift deletion.</summary>
    private sealed class HashTable
    {
        private ulong[] _slots = new ulong[1024];

        public int Count { get; private set; }

        public long Bytes => _slots.LongLength * sizeof(ulong);

        public bool Contains(ulong key)
        {
            var mask = _slots.Length - 1;
            for (var i = (int)(key & (ulong)mask); ; i = (i + 1) & mask)
            {
                if (_slots[i] == key)
                {
                    return true;
                }
                if (_slots[i] == 0)
                {
                    return false;
                }
            }
        }

        public bool Add(ulong key)
        {
            if ((Count + 1) * 4 > _slots.Length * 3)
            {
                Grow();
            }
            if (!Insert(_slots, key))
            {
                return false;
            }
            Count++;
            return true;
        }

        public void Remove(ulong key)
        {
            var mask = _slots.Length - 1;
            var i = (int)(key & (ulong)mask);
            while (_slots[i] != key)
            {
                if (_slots[i] == 0)
                {
                    return;
                }
                i = (i + 1) & mask;
            }
            // Shift later members of the probe run back so lookups never stop at the hole.
            var hole = i;
            for (var j = (hole + 1) & mask; _slots[j] != 0; j = (j + 1) & mask)
            {
                var home = (int)(_slots[j] & (ulong)mask);
                var between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
                if (!between)
                {
                    _slots[hole] = _slots[j];
                    hole = j;
                }
            }
            _slots[hole] = 0;
            Count--;
        }

        private static bool Insert(ulong[] slots, ulong key)
        {
            var mask = slots.Length - 1;
            for (var i = (int)(key & (ulong)mask); ; i = (i + 1) & mask)
            {
                if (slots[i] == key)
                {
                    return false;
                }
                if (slots[i] == 0)
                {
                    slots[i] = key;
                    return true;
                }
            }
        }

        private void Grow()
        {
            var bigger = new ulong[_slots.Length * 2];
            foreach (var key in _slots)
            {
                if (key != 0)
                {
                    Insert(bigger, key);
                }
            }
            _slots = bigger;
        }
    }
}

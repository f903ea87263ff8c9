using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Supervision.Storage.DuckDb;

/// <summary>
/// The keys of the reports stored in the last <c>window</c> days of arrival, so the store can tell a new report
/// from a stored one without an index in DuckDB. A key is the 64-bit XxHash3 of (enterprise id, report id), kept
/// with its arrival day in one open-addressing table: 48 bits of the hash and 16 bits of the day in a slot of
/// 8 bytes, at most 3/4 full (11–21 MB per million keys). A key absent here was not stored in the window; a key
/// present is only probably stored, and the store checks it against the table. Days that leave the window are
/// swept out when a later day arrives. Not thread-safe: the store calls it under its lock.
/// </summary>
internal sealed class RecentReportKeys
{
    private const ulong DayBits = 0xFFFF;
    private ulong[] _slots = new ulong[1 << 20];
    private int _count;
    private long _newestDay = long.MinValue;

    /// <summary>A set that remembers keys for <paramref name="windowDays"/> days after the newest arrival day seen.</summary>
    public RecentReportKeys(int windowDays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowDays, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowDays, 10_000);
        WindowDays = windowDays;
    }

    /// <summary>Days a key is remembered after the newest arrival day.</summary>
    public int WindowDays { get; }

    /// <summary>Keys remembered.</summary>
    public int Count => _count;

    /// <summary>Bytes held.</summary>
    public long Bytes => _slots.LongLength * sizeof(ulong);

    /// <summary>The first arrival day (days since 1970-01-01 UTC) the set still vouches for.</summary>
    public long OldestDay => _newestDay == long.MinValue ? long.MinValue : _newestDay - WindowDays;

    /// <summary>The key of a report as stored (the same text the reports table holds).</summary>
    public static long Key(string enterpriseId, string reportId)
    {
        // enterprise id, U+0000, report id as UTF-16: one span, hashed in one call (an XxHash3 instance per key
        // was most of the writer's allocations).
        var length = enterpriseId.Length + 1 + reportId.Length;
        var rented = length > 256 ? ArrayPool<char>.Shared.Rent(length) : null;
        var text = rented is null ? stackalloc char[length] : rented.AsSpan(0, length);
        enterpriseId.CopyTo(text);
        text[enterpriseId.Length] = '\0';
        reportId.CopyTo(text[(enterpriseId.Length + 1)..]);
        var key = (long)XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text));
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
        return key;
    }

    /// <summary>Arrival day of a UTC millisecond time.</summary>
    public static long Day(long utcMs) => Math.DivRem(utcMs, 86_400_000L, out var rest) - (rest < 0 ? 1 : 0);

    /// <summary>
    /// Moves the window to end at <paramref name="day"/> when that is later than any day seen, sweeping out the
    /// keys that leave it.
    /// </summary>
    public void Advance(long day)
    {
        if (day <= _newestDay)
        {
            return;
        }
        var first = _newestDay == long.MinValue;
        _newestDay = day;
        if (!first && _count > 0)
        {
            Sweep();
        }
    }

    /// <summary>
    /// Remembers <paramref name="key"/> as arrived on <paramref name="day"/>. False when a key with the same 48
    /// hash bits is already remembered: the report is probably stored (or earlier in the same write).
    /// </summary>
    public bool TryAdd(long key, long day)
    {
        if ((_count + 1) * 4L > _slots.Length * 3L)
        {
            Grow();
        }
        if (!Insert(_slots, Slot(key, day)))
        {
            return false;
        }
        _count++;
        return true;
    }

    /// <summary>Asks the CPU to fetch the cache line <see cref="TryAdd"/> will look at first for <paramref name="key"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(long key)
    {
        if (Sse.IsSupported)
        {
            var slots = _slots;
            // A stale address (the table grew meanwhile) only wastes the hint.
            Sse.Prefetch0(Unsafe.AsPointer(ref slots[(int)(((ulong)key >> 16) & (ulong)(slots.Length - 1))]));
        }
    }

    private static ulong Slot(long key, long day)
    {
        var high = (ulong)key & ~DayBits;
        // Zero marks an empty slot.
        return (high == 0 ? 1UL << 16 : high) | ((ulong)day & DayBits);
    }

    private static bool Insert(ulong[] slots, ulong slot)
    {
        var mask = slots.Length - 1;
        var high = slot & ~DayBits;
        for (var i = (int)((high >> 16) & (ulong)mask); ; i = (i + 1) & mask)
        {
            var found = slots[i];
            if (found == 0)
            {
                slots[i] = slot;
                return true;
            }
            if ((found & ~DayBits) == high)
            {
                return false;
            }
        }
    }

    private void Grow()
    {
        var bigger = new ulong[_slots.Length * 2];
        foreach (var slot in _slots)
        {
            if (slot != 0)
            {
                Insert(bigger, slot);
            }
        }
        _slots = bigger;
    }

    // Rebuilds the table without the keys older than the window: O(slots), once per arrival day.
    private void Sweep()
    {
        var keep = new ulong[_slots.Length];
        var kept = 0;
        foreach (var slot in _slots)
        {
            if (slot != 0 && Age(slot) <= WindowDays)
            {
                Insert(keep, slot);
                kept++;
            }
        }
        _slots = keep;
        _count = kept;
    }

    // Days from the slot's arrival day to the newest day; slots keep the day modulo 2^16, plenty for any window.
    private long Age(ulong slot) => (long)(((ulong)_newestDay - (slot & DayBits)) & DayBits);
}

using System.IO.Hashing;
using System.Text;

namespace Supervision.Ingest.Decoding;

/// <summary>
/// Turns short UTF-8 values that repeat across records (field names, enterprise ids, regions, kinds, device ids)
/// into one shared string each, so decoding a body allocates for them once instead of once per record. Bounded:
/// past <see cref="MaxEntries"/> it hands out fresh strings. Not thread-safe: one per decoder.
/// </summary>
internal sealed class Utf8Interner
{
    public const int MaxLength = 64;
    public const int MaxEntries = 4096;

    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);
    private Entry[] _slots = new Entry[256];
    private int _count;

    /// <summary>The string for <paramref name="utf8"/>, or null when the bytes are not valid UTF-8.</summary>
    public string? Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength)
        {
            return Decode(utf8);
        }
        var hash = Hash(utf8);
        var mask = _slots.Length - 1;
        for (var i = (int)(hash & (uint)mask); ; i = (i + 1) & mask)
        {
            ref var slot = ref _slots[i];
            if (slot.Value is null)
            {
                var value = Decode(utf8);
                if (value is null || _count >= MaxEntries)
                {
                    return value;
                }
                slot = new Entry(hash, utf8.ToArray(), value);
                if (++_count * 2 > _slots.Length)
                {
                    Grow();
                }
                return value;
            }
            if (slot.Hash == hash && utf8.SequenceEqual(slot.Bytes))
            {
                return slot.Value;
            }
        }
    }

    // Short values (ids, codes) hash from their first and last eight bytes and length: cheaper than a full hash,
    // and collisions only cost a byte comparison.
    private static uint Hash(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length < 8)
        {
            return (uint)XxHash3.HashToUInt64(utf8);
        }
        var head = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(utf8);
        var tail = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(utf8[^8..]);
        var mixed = (head * 0x9E3779B97F4A7C15UL) ^ (tail * 0xC2B2AE3D27D4EB4FUL) ^ (ulong)utf8.Length;
        return (uint)(mixed ^ (mixed >> 29));
    }

    private static string? Decode(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return Strict.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new Entry[old.Length * 2];
        var mask = _slots.Length - 1;
        foreach (var entry in old)
        {
            if (entry.Value is null)
            {
                continue;
            }
            var i = (int)(entry.Hash & (uint)mask);
            while (_slots[i].Value is not null)
            {
                i = (i + 1) & mask;
            }
            _slots[i] = entry;
        }
    }

    private readonly record struct Entry(uint Hash, byte[] Bytes, string? Value);
}

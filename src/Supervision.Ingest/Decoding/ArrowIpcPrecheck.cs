using System.Buffers.Binary;

namespace Supervision.Ingest.Decoding;

/// <summary>
/// Walks the framing and metadata of an Arrow IPC stream before the Arrow library sees it. The library sizes
/// buffers and lists from lengths in the metadata without checking them against the bytes that arrived, so a
/// few kilobytes claiming gigabyte lengths would make it allocate gigabytes. Every length is checked against
/// what is actually there; nested, dictionary-encoded and compressed data (which we do not accept) is refused.
/// </summary>
internal static class ArrowIpcPrecheck
{
    private const short SchemaHeader = 1;
    private const short DictionaryBatchHeader = 2;
    private const short RecordBatchHeader = 3;

    /// <summary>Why <paramref name="body"/> is not an acceptable stream, or null.</summary>
    public static string? Check(ReadOnlySpan<byte> body)
    {
        var position = 0;
        var messages = 0;
        while (position < body.Length)
        {
            if (body.Length - position < 4)
            {
                return $"a message at byte {position} is cut short";
            }
            var length = BinaryPrimitives.ReadInt32LittleEndian(body[position..]);
            position += 4;
            if (length == -1)
            {
                if (body.Length - position < 4)
                {
                    return $"a message at byte {position} is cut short";
                }
                length = BinaryPrimitives.ReadInt32LittleEndian(body[position..]);
                position += 4;
            }
            if (length == 0)
            {
                return null; // end of stream
            }
            if (length < 0 || length > body.Length - position)
            {
                return $"message {messages + 1} at byte {position} claims {length} bytes of metadata, more than the body holds";
            }
            var problem = CheckMessage(body.Slice(position, length), body.Length - position - length, messages == 0, out var bodyLength);
            if (problem is not null)
            {
                return $"message {messages + 1} at byte {position}: {problem}";
            }
            position += length + (int)bodyLength;
            messages++;
        }
        return null;
    }

    private static string? CheckMessage(ReadOnlySpan<byte> meta, long remaining, bool first, out long bodyLength)
    {
        bodyLength = 0;
        if (!TryRoot(meta, out var message))
        {
            return "its metadata is not a flatbuffer";
        }
        var headerType = ReadScalar(meta, message, 1, 1);
        bodyLength = ReadScalar(meta, message, 3, 8);
        if (bodyLength < 0 || bodyLength > remaining)
        {
            return $"it claims a body of {bodyLength} bytes, more than the {remaining} that follow";
        }
        if (!TryTable(meta, message, 2, out var header))
        {
            return "it has no header";
        }
        switch (headerType)
        {
            case SchemaHeader:
                return first ? CheckSchema(meta, header) : "a second schema";
            case RecordBatchHeader:
                return first ? "a record batch before the schema" : CheckRecordBatch(meta, header, bodyLength);
            case DictionaryBatchHeader:
                return "dictionary batches are not accepted";
            default:
                return $"message type {headerType} is not accepted";
        }
    }

    private static string? CheckSchema(ReadOnlySpan<byte> meta, int schema)
    {
        if (!TryVector(meta, schema, 1, 4, out var fields, out var count))
        {
            return "the schema's field list does not fit its metadata";
        }
        for (var i = 0; i < count; i++)
        {
            var slot = fields + (i * 4);
            var field = slot + (int)BinaryPrimitives.ReadUInt32LittleEndian(meta[slot..]);
            if (field < 0 || field + 4 > meta.Length || !IsTable(meta, field))
            {
                return $"field {i + 1} does not fit the metadata";
            }
            if (TryTable(meta, field, 4, out _))
            {
                return $"field {i + 1} is dictionary-encoded, which is not accepted";
            }
            if (TryVector(meta, field, 5, 4, out _, out var children) && children > 0)
            {
                return $"field {i + 1} is nested, which is not accepted";
            }
        }
        return null;
    }

    private static string? CheckRecordBatch(ReadOnlySpan<byte> meta, int batch, long bodyLength)
    {
        // A row needs at least one bit of some buffer; anything beyond that is a lie about the data.
        var maxRows = (bodyLength * 8) + 64;
        var rows = ReadScalar(meta, batch, 0, 8);
        if (rows < 0 || rows > maxRows)
        {
            return $"it claims {rows} rows in a body of {bodyLength} bytes";
        }
        if (!TryVector(meta, batch, 1, 16, out var nodes, out var nodeCount))
        {
            return "its field nodes do not fit its metadata";
        }
        for (var i = 0; i < nodeCount; i++)
        {
            var length = BinaryPrimitives.ReadInt64LittleEndian(meta[(nodes + (i * 16))..]);
            var nulls = BinaryPrimitives.ReadInt64LittleEndian(meta[(nodes + (i * 16) + 8)..]);
            if (length < 0 || length > maxRows || nulls < 0 || nulls > length)
            {
                return $"column {i + 1} claims {length} values ({nulls} null) in a body of {bodyLength} bytes";
            }
        }
        if (!TryVector(meta, batch, 2, 16, out var buffers, out var bufferCount))
        {
            return "its buffer list does not fit its metadata";
        }
        for (var i = 0; i < bufferCount; i++)
        {
            var offset = BinaryPrimitives.ReadInt64LittleEndian(meta[(buffers + (i * 16))..]);
            var length = BinaryPrimitives.ReadInt64LittleEndian(meta[(buffers + (i * 16) + 8)..]);
            if (offset < 0 || length < 0 || offset > bodyLength || length > bodyLength - offset)
            {
                return $"buffer {i + 1} ({length} bytes at {offset}) lies outside the {bodyLength}-byte body";
            }
        }
        return TryTable(meta, batch, 3, out _) ? "compressed record batches are not accepted" : null;
    }

    private static bool TryRoot(ReadOnlySpan<byte> meta, out int table)
    {
        table = meta.Length >= 4 ? (int)BinaryPrimitives.ReadUInt32LittleEndian(meta) : -1;
        return table > 0 && table + 4 <= meta.Length && IsTable(meta, table);
    }

    private static bool IsTable(ReadOnlySpan<byte> meta, int table)
    {
        var vtable = (long)table - BinaryPrimitives.ReadInt32LittleEndian(meta[table..]);
        if (vtable < 0 || vtable + 4 > meta.Length)
        {
            return false;
        }
        var size = BinaryPrimitives.ReadUInt16LittleEndian(meta[(int)vtable..]);
        return size >= 4 && vtable + size <= meta.Length;
    }

    // Offset of field `id` within the table, or 0 when absent.
    private static int FieldOffset(ReadOnlySpan<byte> meta, int table, int id)
    {
        var vtable = table - BinaryPrimitives.ReadInt32LittleEndian(meta[table..]);
        var size = BinaryPrimitives.ReadUInt16LittleEndian(meta[vtable..]);
        var slot = 4 + (id * 2);
        return slot + 2 > size ? 0 : BinaryPrimitives.ReadUInt16LittleEndian(meta[(vtable + slot)..]);
    }

    private static long ReadScalar(ReadOnlySpan<byte> meta, int table, int id, int width)
    {
        var offset = FieldOffset(meta, table, id);
        if (offset == 0 || table + offset + width > meta.Length)
        {
            return 0;
        }
        var at = meta[(table + offset)..];
        return width switch
        {
            1 => at[0],
            2 => BinaryPrimitives.ReadInt16LittleEndian(at),
            4 => BinaryPrimitives.ReadInt32LittleEndian(at),
            _ => BinaryPrimitives.ReadInt64LittleEndian(at),
        };
    }

    private static bool TryTable(ReadOnlySpan<byte> meta, int table, int id, out int target)
    {
        target = -1;
        var offset = FieldOffset(meta, table, id);
        if (offset == 0 || table + offset + 4 > meta.Length)
        {
            return false;
        }
        var slot = table + offset;
        var to = (long)slot + BinaryPrimitives.ReadUInt32LittleEndian(meta[slot..]);
        if (to + 4 > meta.Length || !IsTable(meta, (int)to))
        {
            return false;
        }
        target = (int)to;
        return true;
    }

    // A vector of `width`-byte elements; false when absent or when it does not fit the metadata.
    private static bool TryVector(ReadOnlySpan<byte> meta, int table, int id, int width, out int start, out int count)
    {
        start = count = 0;
        var offset = FieldOffset(meta, table, id);
        if (offset == 0)
        {
            return true;
        }
        if (table + offset + 4 > meta.Length)
        {
            return false;
        }
        var slot = table + offset;
        var vector = (long)slot + BinaryPrimitives.ReadUInt32LittleEndian(meta[slot..]);
        if (vector + 4 > meta.Length)
        {
            return false;
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(meta[(int)vector..]);
        if (length > (meta.Length - vector - 4) / width)
        {
            return false;
        }
        start = (int)vector + 4;
        count = (int)length;
        return true;
    }
}

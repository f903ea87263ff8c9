using System.Runtime.CompilerServices;
using System.Text;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Supervision.Storage.DuckDb;

/// <summary>
/// Appends rows to a DuckDB table through the C API's data chunks, column by column: fixed-width values go
/// straight into the vectors, strings of up to 12 UTF-8 bytes are written inline, longer ones are copied in by
/// <c>duckdb_vector_assign_string_element_len</c>. DuckDB.NET's row appender costs a generic dispatch and a type
/// check per value; for a million rows a second that was a third of the budget.
/// </summary>
/// <remarks>
/// Usage: <see cref="Begin"/>, fill rows 0..n-1 (n at most <see cref="Capacity"/>) through the column accessors,
/// <see cref="Append"/>(n); repeat; <see cref="Close"/> flushes into the connection's current transaction. Not
/// thread-safe; one per connection and write.
/// </remarks>
internal sealed unsafe class ChunkAppender : IDisposable
{
    private readonly DuckDB.NET.Native.DuckDBAppender _appender;
    private readonly DuckDBLogicalType[] _types;
    private readonly DuckDBDataChunk _chunk;
    private readonly IntPtr[] _vectors;
    private readonly void*[] _data;
    private byte[] _utf8 = new byte[1024];
    private bool _closed;

    /// <summary>An appender into <paramref name="table"/> (schema main) on <paramref name="connection"/>.</summary>
    public ChunkAppender(DuckDBConnection connection, string table)
    {
        if (NativeMethods.Appender.DuckDBAppenderCreate(connection.NativeConnection, null!, table, out _appender) != DuckDBState.Success)
        {
            using var error = NativeMethods.Appender.DuckDBAppenderErrorData(_appender);
            var message = error.Message;
            _appender.Dispose();
            throw new InvalidOperationException($"DuckDB appender on {table}: {message}");
        }
        var columns = (int)NativeMethods.Appender.DuckDBAppenderColumnCount(_appender);
        _types = new DuckDBLogicalType[columns];
        var handles = new IntPtr[columns];
        for (var i = 0; i < columns; i++)
        {
            _types[i] = NativeMethods.Appender.DuckDBAppenderColumnType(_appender, (ulong)i);
            handles[i] = _types[i].DangerousGetHandle();
        }
        _chunk = NativeMethods.DataChunks.DuckDBCreateDataChunk(handles, (ulong)columns);
        _vectors = new IntPtr[columns];
        _data = new void*[columns];
    }

    /// <summary>Rows one chunk holds (DuckDB's vector size, 2048).</summary>
    public static int Capacity { get; } = (int)NativeMethods.Helpers.DuckDBVectorSize();

    /// <summary>Starts a new chunk: every value valid, nothing written yet.</summary>
    public void Begin()
    {
        NativeMethods.DataChunks.DuckDBDataChunkReset(_chunk);
        for (var i = 0; i < _vectors.Length; i++)
        {
            _vectors[i] = NativeMethods.DataChunks.DuckDBDataChunkGetVector(_chunk, i);
            _data[i] = NativeMethods.Vectors.DuckDBVectorGetData(_vectors[i]);
        }
    }

    /// <summary>The values of a BIGINT or TIMESTAMP (microseconds) column.</summary>
    public Span<long> Int64(int column) => new(_data[column], Capacity);

    /// <summary>The values of an INTEGER column.</summary>
    public Span<int> Int32(int column) => new(_data[column], Capacity);

    /// <summary>The values of a DOUBLE column.</summary>
    public Span<double> Double(int column) => new(_data[column], Capacity);

    /// <summary>The validity bits of a nullable column (bit set: value present), all set; call after <see cref="Begin"/>.</summary>
    public Span<ulong> Validity(int column)
    {
        NativeMethods.Vectors.DuckDBVectorEnsureValidityWritable(_vectors[column]);
        return new(NativeMethods.Vectors.DuckDBVectorGetValidity(_vectors[column]), (Capacity + 63) / 64);
    }

    /// <summary>Writes a VARCHAR value (valid UTF-8: unpaired surrogates become U+FFFD).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void String(int column, int row, string value)
    {
        // duckdb_string_t: a 4-byte length, then up to 12 bytes inline (zero-padded: DuckDB compares the whole
        // 16 bytes of short strings), else a 4-byte prefix and a pointer into the vector's own heap.
        var slot = (byte*)_data[column] + (16 * row);
        if (value.Length <= 12 && System.Text.Ascii.IsValid(value))
        {
            *(ulong*)(slot + 0) = (uint)value.Length;
            *(ulong*)(slot + 8) = 0;
            for (var i = 0; i < value.Length; i++)
            {
                slot[4 + i] = (byte)value[i];
            }
            return;
        }
        if (_utf8.Length < Encoding.UTF8.GetMaxByteCount(value.Length))
        {
            _utf8 = new byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
        }
        var length = Encoding.UTF8.GetBytes(value, _utf8);
        fixed (byte* p = _utf8)
        {
            NativeMethods.Vectors.DuckDBVectorAssignStringElementLength(_vectors[column], (ulong)row, p, length);
        }
    }

    /// <summary>Hands the first <paramref name="rows"/> rows of the chunk to DuckDB.</summary>
    public void Append(int rows)
    {
        NativeMethods.DataChunks.DuckDBDataChunkSetSize(_chunk, (ulong)rows);
        if (NativeMethods.Appender.DuckDBAppendDataChunk(_appender, _chunk) != DuckDBState.Success)
        {
            throw Failure("append");
        }
    }

    /// <summary>Flushes everything appended into the table (within the connection's transaction, if any).</summary>
    public void Close()
    {
        _closed = true;
        if (NativeMethods.Appender.DuckDBAppenderClose(_appender) != DuckDBState.Success)
        {
            throw Failure("close");
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_closed)
        {
            // Nothing half-written may reach the table: drop what the appender still buffers.
            NativeMethods.Appender.DuckDBAppenderClear(_appender);
        }
        _chunk.Dispose();
        _appender.Dispose();
        foreach (var type in _types)
        {
            type.Dispose();
        }
    }

    private InvalidOperationException Failure(string what)
    {
        using var error = NativeMethods.Appender.DuckDBAppenderErrorData(_appender);
        return new InvalidOperationException($"DuckDB appender {what} failed: {error.Message}");
    }
}

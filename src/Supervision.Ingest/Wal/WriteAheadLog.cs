using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using System.Text.Json;
using System.Threading.Channels;
using Supervision.Domain.Reports;
using Supervision.Ingest.Telemetry;

namespace Supervision.Ingest.Wal;

/// <summary>A place in the log: the segment and the byte offset just after a record.</summary>
public readonly record struct WalPosition(long Segment, long Offset)
{
    /// <summary>Packs the position into one number, for <see cref="ReportBatch.Checkpoint"/>.</summary>
    public long Pack() => (Segment << 40) | Offset;

    /// <summary>Unpacks <see cref="Pack"/>.</summary>
    public static WalPosition Unpack(long packed) => new(packed >> 40, packed & ((1L << 40) - 1));

    /// <summary>Segment and byte offset, e.g. <c>3:1048576</c>.</summary>
    public override string ToString() => $"{Segment}:{Offset}";
}

/// <summary>What a log record holds.</summary>
public enum WalRecordKind
{
    /// <summary>One report as its canonical envelope JSON.</summary>
    Envelope,

    /// <summary>The start of a batch: its arrival time and how many envelopes follow.</summary>
    BatchStart,

    /// <summary>An engine command other than reports (a tick, an acknowledgement…), opaque to the log.</summary>
    Command,
}

/// <summary>A record read back from the log at start-up.</summary>
/// <param name="Position">Where the record ends.</param>
/// <param name="Payload">The record: envelope JSON, or a type byte and its body (see <see cref="Kind"/>).</param>
public readonly record struct WalRecord(WalPosition Position, ReadOnlyMemory<byte> Payload)
{
    internal const byte BatchStartType = 1;
    internal const byte CommandType = 2;

    /// <summary>What the record holds; envelopes are JSON objects, the other kinds start with a type byte.</summary>
    public WalRecordKind Kind => Payload.Span[0] switch
    {
        BatchStartType => WalRecordKind.BatchStart,
        CommandType => WalRecordKind.Command,
        _ => WalRecordKind.Envelope,
    };

    /// <summary>For a <see cref="WalRecordKind.BatchStart"/>: the batch's arrival time and number of envelopes.</summary>
    public (DateTimeOffset ReceivedAt, int Count) BatchStart() =>
        (new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(Payload.Span[1..]), TimeSpan.Zero), BinaryPrimitives.ReadInt32LittleEndian(Payload.Span[9..]));

    /// <summary>For a <see cref="WalRecordKind.Command"/>: the command's bytes.</summary>
    public ReadOnlyMemory<byte> Command => Payload[1..];
}

/// <summary>
/// The write-ahead log of the engine's input: accepted reports and the other commands that change engine state
/// (ticks, acknowledgements). A report is acknowledged only after its record is on disk: callers append, one loop
/// writes everything queued and flushes it to disk once for the whole group (group commit), then hands each
/// append to its <c>onDurable</c> callback in log order (so the engine sees its input in the order of the log)
/// and completes every waiting append. Records are framed as length, CRC-32 and the payload. At start-up
/// <see cref="Open(WalPosition)"/> returns every record after a position (the engine snapshot's), after truncating a torn
/// tail; segments are deleted once everything in them is both stored (<see cref="MarkStored"/>) and covered by
/// an engine snapshot (<see cref="MarkSnapshotted"/>).
/// </summary>
public sealed class WriteAheadLog : IAsyncDisposable
{
    private const int HeaderBytes = 8;
    private const int MaxRecordBytes = 1 << 20;
    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly Action<string> _warn;
    private readonly Channel<Pending> _queue;
    private Task? _loop;
    private FileStream? _file;
    private long _segment;
    private long _stored = -1;
    private long _snapshotted = -1;
    private bool _snapshots;
    private readonly Lock _segmentsLock = new();
    private readonly IngestTelemetry? _telemetry;

    /// <summary>
    /// A log in <paramref name="directory"/>, rolling to a new segment past <paramref name="segmentBytes"/>; its flush
    /// latency and queue depth go to <paramref name="telemetry"/> when given.
    /// </summary>
    public WriteAheadLog(string directory, long segmentBytes, int queueCapacity, Action<string> warn, IngestTelemetry? telemetry = null)
    {
        _directory = directory;
        _segmentBytes = segmentBytes;
        _warn = warn;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(queueCapacity) { SingleReader = true });
        _telemetry = telemetry;
        telemetry?.Meter.CreateObservableGauge("supervision.wal.queue.depth", () => _queue.Reader.Count, "{append}", "Appends waiting for the next group commit");
    }

    /// <summary>Bytes appended since start.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Disk flushes since start (one per group commit).</summary>
    public long Flushes { get; private set; }

    /// <summary>
    /// Reads what the log holds (records of a previous run that were not yet stored), truncating a torn tail,
    /// then starts a new segment for appends. Call once, before any append.
    /// </summary>
    public List<WalRecord> Open() => Open(default);

    /// <summary>
    /// <see cref="Open()"/>, returning only the records after <paramref name="after"/> (an engine snapshot's
    /// position): earlier segments are not read at all. From then on segments are kept until a snapshot covers them.
    /// </summary>
    public List<WalRecord> Open(WalPosition after)
    {
        Directory.CreateDirectory(_directory);
        _snapshots = after != default || _snapshots;
        var records = new List<WalRecord>();
        var segments = Segments();
        for (var s = 0; s < segments.Count; s++)
        {
            if (segments[s] < after.Segment)
            {
                continue;
            }
            ReadSegment(segments[s], last: s == segments.Count - 1, records);
        }
        if (after != default)
        {
            records.RemoveAll(r => r.Position.Segment < after.Segment || (r.Position.Segment == after.Segment && r.Position.Offset <= after.Offset));
        }
        _segment = segments.Count == 0 ? 1 : segments[^1] + 1;
        _file = OpenSegment(_segment);
        _loop = Task.Run(RunAsync);
        return records;
    }

    /// <summary>
    /// Appends <paramref name="reports"/> and completes once they are flushed to disk, with the position after the
    /// last one. Throws <see cref="IOException"/> when the disk refuses; then nothing of the batch may be acknowledged.
    /// </summary>
    public ValueTask<WalPosition> AppendAsync(IReadOnlyList<Report> reports, CancellationToken cancellation) =>
        AppendAsync(reports, null, null, cancellation);

    /// <summary>
    /// Appends <paramref name="reports"/> as one batch that arrived at <paramref name="receivedAt"/> (null: no batch
    /// record, as logs before batch records were written) and completes once they are flushed to disk, with the
    /// position after the last one. <paramref name="onDurable"/> is called with that position on the log's loop, in
    /// log order, before the append completes. Throws <see cref="IOException"/> when the disk refuses; then nothing
    /// of the batch may be acknowledged (and <paramref name="onDurable"/> is not called).
    /// </summary>
    public async ValueTask<WalPosition> AppendAsync(IReadOnlyList<Report> reports, DateTimeOffset? receivedAt, Action<WalPosition>? onDurable, CancellationToken cancellation)
    {
        var buffer = new ArrayBufferWriter<byte>((reports.Count * 256) + 32);
        var json = new ArrayBufferWriter<byte>(512);
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (receivedAt is { } at)
        {
            Span<byte> start = stackalloc byte[13];
            start[0] = WalRecord.BatchStartType;
            BinaryPrimitives.WriteInt64LittleEndian(start[1..], at.UtcTicks);
            BinaryPrimitives.WriteInt32LittleEndian(start[9..], reports.Count);
            Frame(buffer, header, start);
        }
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { SkipValidation = true }))
        {
            foreach (var report in reports)
            {
                json.ResetWrittenCount();
                writer.Reset(json);
                EnvelopeJson.Write(writer, report);
                writer.Flush();
                Frame(buffer, header, json.WrittenSpan);
            }
        }
        return await AppendFramesAsync(buffer.WrittenMemory, onDurable, cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// Appends one engine command's bytes (opaque to the log) and completes once they are on disk;
    /// <paramref name="onDurable"/> as for reports.
    /// </summary>
    public async ValueTask<WalPosition> AppendCommandAsync(ReadOnlyMemory<byte> command, Action<WalPosition>? onDurable, CancellationToken cancellation)
    {
        var record = new byte[command.Length + 1];
        record[0] = WalRecord.CommandType;
        command.Span.CopyTo(record.AsSpan(1));
        var buffer = new ArrayBufferWriter<byte>(record.Length + HeaderBytes);
        Frame(buffer, stackalloc byte[HeaderBytes], record);
        return await AppendFramesAsync(buffer.WrittenMemory, onDurable, cancellation).ConfigureAwait(false);
    }

    private async ValueTask<WalPosition> AppendFramesAsync(ReadOnlyMemory<byte> frames, Action<WalPosition>? onDurable, CancellationToken cancellation)
    {
        var pending = new Pending(frames, onDurable, new TaskCompletionSource<WalPosition>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellation).ConfigureAwait(false);
        return await pending.Done.Task.ConfigureAwait(false);
    }

    private static void Frame(ArrayBufferWriter<byte> buffer, Span<byte> header, ReadOnlySpan<byte> record)
    {
        BinaryPrimitives.WriteInt32LittleEndian(header, record.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32.HashToUInt32(record));
        buffer.Write(header);
        buffer.Write(record);
    }

    /// <summary>Everything up to <paramref name="position"/> is processed and stored.</summary>
    public void MarkStored(WalPosition position)
    {
        lock (_segmentsLock)
        {
            _stored = Math.Max(_stored, position.Segment);
            DeleteNotNeeded();
        }
    }

    /// <summary>
    /// An engine snapshot covers everything up to <paramref name="position"/>: from now on a segment is deleted
    /// only once it is both stored and covered by a snapshot.
    /// </summary>
    public void MarkSnapshotted(WalPosition position)
    {
        lock (_segmentsLock)
        {
            _snapshots = true;
            _snapshotted = Math.Max(_snapshotted, position.Segment);
            DeleteNotNeeded();
        }
    }

    // Segments wholly before what is stored (and, with snapshots, before what the newest snapshot covers) go.
    private void DeleteNotNeeded()
    {
        var keepFrom = _snapshots ? Math.Min(_stored, _snapshotted) : _stored;
        foreach (var segment in Segments())
        {
            if (segment < keepFrom && segment != _segment)
            {
                File.Delete(PathOf(segment));
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        var group = new List<Pending>();
        var ends = new List<long>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            ends.Clear();
            while (group.Count < 4096 && _queue.Reader.TryRead(out var next))
            {
                group.Add(next);
            }
            var started = Stopwatch.GetTimestamp();
            try
            {
                var file = _file!;
                foreach (var pending in group)
                {
                    file.Write(pending.Frames.Span);
                    BytesWritten += pending.Frames.Length;
                    ends.Add(file.Position);
                }
                file.Flush(flushToDisk: true);
                Flushes++;
                if (_telemetry is not null)
                {
                    _telemetry.WalFlushed(Stopwatch.GetElapsedTime(started));
                }
                for (var i = 0; i < group.Count; i++)
                {
                    // Each append's own end: an engine snapshot taken between two appends of a group must not skip the second.
                    var pending = group[i];
                    var position = new WalPosition(_segment, ends[i]);
                    if (pending.OnDurable is { } onDurable)
                    {
                        try
                        {
                            onDurable(position);
                        }
                        catch (Exception e)
                        {
                            _warn("write-ahead log: a durable-append callback failed: " + e.Message);
                        }
                    }
                    pending.Done.TrySetResult(position);
                }
                if (file.Position >= _segmentBytes)
                {
                    await file.DisposeAsync().ConfigureAwait(false);
                    lock (_segmentsLock)
                    {
                        _file = OpenSegment(++_segment);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                foreach (var pending in group)
                {
                    pending.Done.TrySetException(new IOException("the write-ahead log could not write: " + e.Message, e));
                }
            }
        }
    }

    private void ReadSegment(long segment, bool last, List<WalRecord> records)
    {
        var path = PathOf(segment);
        var bytes = File.ReadAllBytes(path);
        var offset = 0;
        while (offset < bytes.Length)
        {
            var length = bytes.Length - offset < HeaderBytes ? -1 : BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
            string? problem = null;
            if (length < 0)
            {
                problem = "a partial record header";
            }
            else if (length == 0 || length > MaxRecordBytes)
            {
                problem = $"an impossible record length {length}";
            }
            else if (bytes.Length - offset - HeaderBytes < length)
            {
                problem = "a partial record";
            }
            else if (Crc32.HashToUInt32(bytes.AsSpan(offset + HeaderBytes, length)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4)))
            {
                problem = "a record whose CRC does not match";
            }
            if (problem is not null)
            {
                if (last)
                {
                    _warn($"write-ahead log {path}: {problem} at byte {offset}, the torn tail of a crash; truncating {bytes.Length - offset} bytes");
                    using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
                    file.SetLength(offset);
                    file.Flush(flushToDisk: true);
                }
                else
                {
                    _warn($"write-ahead log {path}: {problem} at byte {offset} in a segment that is not the last; the {bytes.Length - offset} bytes after it are skipped");
                }
                return;
            }
            var record = bytes.AsMemory(offset + HeaderBytes, length);
            offset += HeaderBytes + length;
            records.Add(new WalRecord(new WalPosition(segment, offset), record));
        }
    }

    private List<long> Segments()
    {
        var segments = new List<long>();
        foreach (var file in Directory.EnumerateFiles(_directory, "*.wal"))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(file), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                segments.Add(n);
            }
        }
        segments.Sort();
        return segments;
    }

    private string PathOf(long segment) => Path.Combine(_directory, segment.ToString("D12", System.Globalization.CultureInfo.InvariantCulture) + ".wal");

    private FileStream OpenSegment(long segment) =>
        new(PathOf(segment), FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16, FileOptions.None);

    private sealed record Pending(ReadOnlyMemory<byte> Frames, Action<WalPosition>? OnDurable, TaskCompletionSource<WalPosition> Done);
}

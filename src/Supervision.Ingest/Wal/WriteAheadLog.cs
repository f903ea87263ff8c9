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
}

/// <summary>A record read back from the log at start-up: one report as its canonical envelope JSON.</summary>
public readonly record struct WalRecord(WalPosition Position, ReadOnlyMemory<byte> Envelope);

/// <summary>
/// The write-ahead log of accepted reports. A report is acknowledged only after its record is on disk: callers
/// append batches, one loop writes everything queued and flushes it to disk once for the whole group (group
/// commit), then completes every waiting append. Records are framed as length, CRC-32 and the envelope JSON.
/// At start-up <see cref="Open"/> returns every record still in the log (not yet processed and stored), after
/// truncating a torn tail; segments are deleted once everything in them is stored (<see cref="MarkStored"/>).
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
    public List<WalRecord> Open()
    {
        Directory.CreateDirectory(_directory);
        var records = new List<WalRecord>();
        var segments = Segments();
        for (var s = 0; s < segments.Count; s++)
        {
            ReadSegment(segments[s], last: s == segments.Count - 1, records);
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
    public async ValueTask<WalPosition> AppendAsync(IReadOnlyList<Report> reports, CancellationToken cancellation)
    {
        var buffer = new ArrayBufferWriter<byte>(reports.Count * 256);
        var json = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { SkipValidation = true }))
        {
            Span<byte> header = stackalloc byte[HeaderBytes];
            foreach (var report in reports)
            {
                json.ResetWrittenCount();
                writer.Reset(json);
                EnvelopeJson.Write(writer, report);
                writer.Flush();
                BinaryPrimitives.WriteInt32LittleEndian(header, json.WrittenCount);
                BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32.HashToUInt32(json.WrittenSpan));
                buffer.Write(header);
                buffer.Write(json.WrittenSpan);
            }
        }
        var pending = new Pending(buffer.WrittenMemory, new TaskCompletionSource<WalPosition>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellation).ConfigureAwait(false);
        return await pending.Done.Task.ConfigureAwait(false);
    }

    /// <summary>Everything up to <paramref name="position"/> is processed and stored: deletes segments wholly before it.</summary>
    public void MarkStored(WalPosition position)
    {
        lock (_segmentsLock)
        {
            if (position.Segment <= _stored)
            {
                return;
            }
            _stored = position.Segment;
            foreach (var segment in Segments())
            {
                if (segment < position.Segment)
                {
                    File.Delete(PathOf(segment));
                }
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
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
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
                }
                file.Flush(flushToDisk: true);
                Flushes++;
                if (_telemetry is not null)
                {
                    _telemetry.WalFlushed(Stopwatch.GetElapsedTime(started));
                }
                var position = new WalPosition(_segment, file.Position);
                foreach (var pending in group)
                {
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

    private sealed record Pending(ReadOnlyMemory<byte> Frames, TaskCompletionSource<WalPosition> Done);
}

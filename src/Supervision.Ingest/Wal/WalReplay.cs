using System.Buffers;
using Supervision.Domain.Reports;
using Supervision.Ingest.Decoding;

namespace Supervision.Ingest.Wal;

/// <summary>One piece of engine input read back from the log, in log order.</summary>
/// <param name="Position">Where its last record ends: an engine that has applied it may be snapshotted at this position.</param>
public abstract record WalEntry(WalPosition Position);

/// <summary>A batch of reports as it was appended (<paramref name="ReceivedAt"/> is null for logs from before batch records).</summary>
public sealed record WalReports(IReadOnlyList<Report> Reports, DateTimeOffset? ReceivedAt, WalPosition Position) : WalEntry(Position);

/// <summary>An engine command other than reports, as its bytes.</summary>
public sealed record WalCommand(ReadOnlyMemory<byte> Command, WalPosition Position) : WalEntry(Position);

/// <summary>
/// Turns the log's records back into the engine's input: each batch with the arrival time it was logged with
/// (so a replay sees the same processing time), commands as they were. Records are canonical envelopes, decoded
/// a batch at a time as one NDJSON body; a record that no longer validates is dropped with a warning.
/// </summary>
public sealed class WalReplay(ReportDecoder decoder, Action<string> warn)
{
    // Logs written before batch records group their envelopes this many at a time.
    private const int LegacyChunk = 1000;

    /// <summary>The entries of <paramref name="records"/>, in order.</summary>
    public IEnumerable<WalEntry> Read(IReadOnlyList<WalRecord> records)
    {
        var body = new ArrayBufferWriter<byte>();
        var i = 0;
        while (i < records.Count)
        {
            var record = records[i];
            switch (record.Kind)
            {
                case WalRecordKind.Command:
                    yield return new WalCommand(record.Command, record.Position);
                    i++;
                    break;
                case WalRecordKind.BatchStart:
                    var (receivedAt, count) = record.BatchStart();
                    var end = i + 1;
                    while (end < records.Count && end - i - 1 < count && records[end].Kind == WalRecordKind.Envelope)
                    {
                        end++;
                    }
                    yield return Batch(records, i + 1, end, receivedAt, body) ?? (WalEntry)new WalReports([], receivedAt, record.Position);
                    i = end;
                    break;
                default:
                    var last = i;
                    while (last < records.Count && last - i < LegacyChunk && records[last].Kind == WalRecordKind.Envelope)
                    {
                        last++;
                    }
                    if (Batch(records, i, last, null, body) is { } legacy)
                    {
                        yield return legacy;
                    }
                    i = last;
                    break;
            }
        }
    }

    private WalReports? Batch(IReadOnlyList<WalRecord> records, int from, int to, DateTimeOffset? receivedAt, ArrayBufferWriter<byte> body)
    {
        if (from >= to)
        {
            return null;
        }
        body.ResetWrittenCount();
        for (var r = from; r < to; r++)
        {
            body.Write(records[r].Payload.Span);
            body.Write("\n"u8);
        }
        var decoded = decoder.DecodeNdjson(body.WrittenSpan);
        foreach (var rejected in decoded.Rejected)
        {
            warn($"write-ahead log record at {records[from + rejected.Index].Position} no longer validates and is dropped: " +
                string.Join("; ", rejected.Errors.Select(e => $"{e.Field} {e.Message}")));
        }
        return new WalReports(decoded.Accepted, receivedAt, records[to - 1].Position);
    }
}

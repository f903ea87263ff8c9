using System.Diagnostics;
using Supervision.Domain.Reports;
using Supervision.Ingest.Decoding;
using Supervision.Ingest.Idempotency;
using Supervision.Ingest.Mapping;
using Supervision.Ingest.Telemetry;
using Supervision.Ingest.Validation;
using Supervision.Ingest.Wal;
using Supervision.Server.Pipeline;

namespace Supervision.Server.Ingestion;

/// <summary>The <c>202</c> body of <c>POST /api/v1/reports</c>.</summary>
public sealed record IngestResponse(int Accepted, int Duplicates, IReadOnlyList<RecordError> Rejected);

/// <summary>What happened to one request body.</summary>
public enum IngestOutcome
{
    Accepted,
    Unreadable,
    Overloaded,
    Unavailable,
    TooMany,
}

/// <summary>
/// The ingest path after the body is read: decode and validate (on the request thread), drop reports seen before
/// (idempotency by enterprise and reportId), append the rest to the write-ahead log and wait for the disk (the log
/// queues them for the engine in log order). Only then is the batch acknowledged.
/// </summary>
public sealed class ReportIngestor(PipelineHost pipeline, EngineInbox inbox, ReportValidator validator, ReportIdIndex index, TimeProvider clock, IngestTelemetry telemetry)
{
    /// <summary>Decodes <paramref name="body"/> and makes what is valid and new durable.</summary>
    public async Task<(IngestOutcome Outcome, IngestResponse? Response, string? Error)> IngestAsync(
        ReadOnlyMemory<byte> body, BodyFormat format, MappingProfile? profile, int maxRecords, Func<DecodeResult, DecodeResult>? filter, CancellationToken cancellation)
    {
        DecodeResult result;
        using (var decode = IngestTelemetry.Source.StartActivity("ingest.decode"))
        {
            result = new ReportDecoder(validator, profile).Decode(body, format);
            decode?.SetTag("supervision.format", format.ToString());
            decode?.SetTag("supervision.records", result.Total);
        }
        if (result.BodyError is not null)
        {
            return (IngestOutcome.Unreadable, null, result.BodyError);
        }
        if (result.Total > maxRecords)
        {
            return (IngestOutcome.TooMany, null, $"the body holds {result.Total} records, more than {maxRecords} (Supervision:MaxRecordsPerBatch); split the batch");
        }
        if (filter is not null)
        {
            result = filter(result);
        }
        telemetry.Rejected(result.Rejected, format);
        if (result.Accepted.Count == 0)
        {
            return (IngestOutcome.Accepted, new IngestResponse(0, 0, result.Rejected), null);
        }
        if (pipeline.Failure is { } failure)
        {
            return (IngestOutcome.Unavailable, null, failure);
        }
        if (pipeline.IsSaturated)
        {
            return (IngestOutcome.Overloaded, null, "the pipeline queue is full");
        }

        var (count, duplicates, error) = await AcceptAsync(result.Accepted, format, cancellation);
        if (error is not null)
        {
            return (IngestOutcome.Unavailable, null, error);
        }
        return (IngestOutcome.Accepted, new IngestResponse(count, duplicates, result.Rejected), null);
    }

    /// <summary>
    /// Makes valid reports durable: drops those seen before (idempotency by enterprise and reportId), logs the rest as
    /// one batch and queues it for the engine (with the current trace, so the engine's and the store's spans continue
    /// it). Returns how many were new and how many duplicates, or why nothing was accepted (the log could not write).
    /// <paramref name="format"/> labels the counts.
    /// </summary>
    public async Task<(int Accepted, int Duplicates, string? Error)> AcceptAsync(IReadOnlyList<Report> accepted, BodyFormat format, CancellationToken cancellation)
    {
        var receivedAt = clock.GetUtcNow();
        var keys = new ulong[accepted.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = ReportIdIndex.Key(accepted[i].EnterpriseId.Value, accepted[i].ReportId);
        }
        var added = new bool[keys.Length];
        index.TryAddAll(keys, receivedAt, added);
        // Compact the new reports and their keys to the front, in body order.
        var fresh = new Report[keys.Length];
        var count = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            if (added[i])
            {
                fresh[count] = accepted[i];
                keys[count++] = keys[i];
            }
        }
        var duplicates = accepted.Count - count;
        if (duplicates > 0)
        {
            telemetry.Duplicates(DuplicatesOf(accepted, added), format);
        }
        if (count > 0)
        {
            try
            {
                using var append = IngestTelemetry.Source.StartActivity("wal.append");
                append?.SetTag("supervision.reports", count);
                await inbox.AppendReportsAsync(fresh, count, receivedAt, Activity.Current?.Context ?? default, cancellation);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // Not durable, so not accepted: forget the ids so that a retry is not taken for a duplicate.
                index.RemoveAll(keys.AsSpan(0, count), receivedAt);
                return (0, 0, e is IOException ? e.Message : "the request was cancelled before the reports were durable");
            }
            telemetry.Accepted(fresh.AsSpan(0, count), format);
        }
        return (count, duplicates, null);
    }

    private static Report[] DuplicatesOf(IReadOnlyList<Report> accepted, bool[] added)
    {
        var duplicates = new List<Report>();
        for (var i = 0; i < added.Length; i++)
        {
            if (!added[i])
            {
                duplicates.Add(accepted[i]);
            }
        }
        return [.. duplicates];
    }
}

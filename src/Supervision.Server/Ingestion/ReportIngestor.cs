using Supervision.Domain.Reports;
using Supervision.Ingest.Decoding;
using Supervision.Ingest.Validation;
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
}

/// <summary>Decodes and validates a body, then queues the accepted reports for the pipeline as one batch.</summary>
public sealed class ReportIngestor(PipelineHost pipeline, ReportValidator validator, TimeProvider clock)
{
    /// <summary>Decodes <paramref name="body"/> and submits what is valid.</summary>
    public (IngestOutcome Outcome, IngestResponse? Response, string? Error) Ingest(ReadOnlySpan<byte> body, BodyFormat format)
    {
        var result = new ReportDecoder(validator).Decode(body, format);
        if (result.BodyError is not null)
        {
            return (IngestOutcome.Unreadable, null, result.BodyError);
        }
        if (result.Accepted.Count > 0 && !pipeline.TrySubmit(new ReportBatch([.. result.Accepted], clock.GetUtcNow())))
        {
            return (IngestOutcome.Overloaded, null, pipeline.Failure ?? "the pipeline queue is full");
        }
        return (IngestOutcome.Accepted, new IngestResponse(result.Accepted.Count, 0, result.Rejected), null);
    }
}

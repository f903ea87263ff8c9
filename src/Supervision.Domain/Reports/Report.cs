using System.Diagnostics;
using Supervision.Domain.Identifiers;

namespace Supervision.Domain.Reports;

/// <summary>
/// One validated report: the envelope of DESIGN.md "Contracts" with a typed payload. Reports travel through the
/// pipeline in arrays inside a <see cref="ReportBatch"/>, so this is a struct.
/// </summary>
/// <param name="ReportId">Sender-unique id, the idempotency key.</param>
/// <param name="EnterpriseId">The reporting enterprise.</param>
/// <param name="Region">Where the observation was made.</param>
/// <param name="Kind">What the payload is; fixes the sector.</param>
/// <param name="ObservedAt">Event time, with the sender's offset.</param>
/// <param name="Payload">The typed payload for <paramref name="Kind"/>.</param>
public readonly record struct Report(
    string ReportId,
    EnterpriseId EnterpriseId,
    RegionCode Region,
    ReportKind Kind,
    DateTimeOffset ObservedAt,
    ReportPayload Payload)
{
    /// <summary>The sector of <see cref="Kind"/>.</summary>
    public Sector Sector => Kind.SectorOf();
}

/// <summary>A contiguous run of reports that entered the system together; the unit the pipeline composes.</summary>
public sealed class ReportBatch
{
    /// <summary>Wraps <paramref name="count"/> reports of <paramref name="reports"/>.</summary>
    public ReportBatch(Report[] reports, int count, DateTimeOffset receivedAt)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, reports.Length);
        Reports = reports;
        Count = count;
        ReceivedAt = receivedAt;
    }

    /// <summary>Wraps all of <paramref name="reports"/>.</summary>
    public ReportBatch(Report[] reports, DateTimeOffset receivedAt)
        : this(reports, reports.Length, receivedAt)
    {
    }

    /// <summary>Backing array; only the first <see cref="Count"/> entries are reports of this batch.</summary>
    public Report[] Reports { get; }

    /// <summary>Number of reports.</summary>
    public int Count { get; }

    /// <summary>Arrival (processing) time at the server.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>
    /// Opaque position of the batch's last record in the write-ahead log, 0 when it was not logged; handed back to
    /// the log once the batch is stored, so the log can drop what it no longer needs.
    /// </summary>
    public long Checkpoint { get; init; }

    /// <summary>The trace of the request that brought the batch (default when none was sampled): the engine and the
    /// store continue it, so one trace runs from the HTTP request to the history store.</summary>
    public ActivityContext Trace { get; init; }

    /// <summary>The reports as a span.</summary>
    public ReadOnlySpan<Report> Span => Reports.AsSpan(0, Count);
}

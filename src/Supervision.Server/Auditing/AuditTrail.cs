using Supervision.Server.Authorization;
using Supervision.Storage.Queries;
using Supervision.Storage.Writing;

namespace Supervision.Server.Auditing;

/// <summary>
/// Writes to the audit trail (the history store's <c>audit</c> table, through the history writer): analyst queries,
/// sign-ins and their failures, tokens issued and revoked, privileged actions and every partner-agency read. An
/// agency's declared purpose is written into the record's text, so the trail shows why the data was read.
/// </summary>
public sealed class AuditTrail(HistoryWriter writer, TimeProvider clock)
{
    /// <summary>Records what <paramref name="caller"/> did: <paramref name="action"/> returning <paramref name="rows"/> rows.</summary>
    public Task RecordAsync(CallerScope caller, string action, long rows, CancellationToken cancellation) =>
        RecordAsync(caller.Name, caller.Role, caller.Purpose is { } purpose ? $"{action} (purpose: {purpose})" : action, rows, caller.Masked, cancellation);

    /// <summary>Records an event of <paramref name="name"/> in <paramref name="role"/> (sign-ins, token events, account changes).</summary>
    public Task RecordAsync(string name, string role, string action, long rows, bool masked, CancellationToken cancellation) =>
        writer.EnqueueAuditAsync([new AuditRecord(clock.GetUtcNow(), name, role, action, rows, masked)], cancellation).AsTask();
}

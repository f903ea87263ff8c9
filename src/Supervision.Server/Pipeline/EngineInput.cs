using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Ingest.Wal;
using Supervision.Streaming.Pipeline;

namespace Supervision.Server.Pipeline;

/// <summary>
/// One input waiting for the engine loop: a command (null for a snapshot request), where it is in the write-ahead
/// log (default for what is not logged), the reports of it still to be stored (a replay skips what history holds),
/// and who waits for its outcome.
/// </summary>
public sealed record EngineInput(EngineCommand? Command, WalPosition Position, ReportBatch? Store, TaskCompletionSource<Alert?>? Reply = null, TaskCompletionSource? Done = null);

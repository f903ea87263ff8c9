using Supervision.Domain.Reports;
using Supervision.Ingest.Decoding;
using Supervision.Ingest.Idempotency;
using Supervision.Ingest.Validation;
using Supervision.Ingest.Wal;
using Supervision.Storage.History;
using Supervision.Streaming.Pipeline;

namespace Supervision.Server.Pipeline;

/// <summary>
/// Warm start: rebuilds the idempotency index from stored report ids, restores the newest engine snapshot, and
/// queues what the write-ahead log holds after it, in log order, with the arrival times it was logged with. The
/// engine sees every replayed report; history gets only those it does not already hold. So a restart resumes
/// exactly where the engine stopped: same alerts (ids, statuses, counts), same grades.
/// </summary>
public sealed class EngineRecovery(
    IHistoryRecovery store,
    ReportIdIndex index,
    WriteAheadLog wal,
    ReportValidator validator,
    SnapshotStore snapshots,
    EngineInbox inbox,
    SupervisionEngine engine,
    TimeProvider clock,
    ILogger<EngineRecovery> logger)
{
    /// <summary>The idempotency window: reports resent within it count as duplicates.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    /// <summary>Seeds, restores and queues the replay; the engine loop must be running to take it.</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        var now = clock.GetUtcNow();
        var seeded = 0;
        await store.ForEachReportIdAsync(now - Retention - TimeSpan.FromDays(1), (enterprise, reportId, receivedAt) =>
        {
            index.Seed(ReportIdIndex.Key(enterprise, reportId), receivedAt, now);
            seeded++;
        }, cancellation);

        var from = snapshots.Restore(engine);
        var records = wal.Open(from);
        var replay = new WalReplay(new ReportDecoder(validator), message => logger.LogWarning("{Message}", message));
        int batches = 0, reports = 0, toStore = 0, commands = 0;
        var added = new bool[1];
        foreach (var entry in replay.Read(records))
        {
            switch (entry)
            {
                case WalReports logged:
                    var receivedAt = logged.ReceivedAt ?? now;
                    var all = logged.Reports.ToArray();
                    var fresh = new List<Report>(all.Length);
                    foreach (var report in all)
                    {
                        index.TryAddAll([ReportIdIndex.Key(report.EnterpriseId.Value, report.ReportId)], now, added);
                        if (added[0])
                        {
                            fresh.Add(report);
                        }
                    }
                    var batch = new ReportBatch(all, receivedAt) { Checkpoint = logged.Position.Pack() };
                    var store = fresh.Count == all.Length ? batch : fresh.Count > 0 ? new ReportBatch([.. fresh], receivedAt) { Checkpoint = logged.Position.Pack() } : null;
                    inbox.Replay(new EngineCommand.Process(batch), logged.Position, store);
                    batches++;
                    reports += all.Length;
                    toStore += fresh.Count;
                    break;
                case WalCommand command:
                    try
                    {
                        inbox.Replay(EngineCommandCodec.Decode(command.Command), command.Position, null);
                        commands++;
                    }
                    catch (InvalidDataException e)
                    {
                        logger.LogWarning("Write-ahead log command at {Position} cannot be read and is skipped: {Reason}", command.Position, e.Message);
                    }
                    break;
            }
        }
        logger.LogInformation(
            "Recovered: {Seeded} report ids of the last {Days} days from history; engine snapshot at log position {Position}; replaying {Batches} batches ({Reports} reports, {ToStore} not yet stored) and {Commands} other commands from the write-ahead log",
            seeded, Retention.TotalDays, from, batches, reports, toStore, commands);
    }
}

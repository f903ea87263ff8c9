using System.Threading.Channels;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Ingest.Wal;
using Supervision.Streaming.Pipeline;

namespace Supervision.Server.Pipeline;

/// <summary>
/// The engine's input, durable and in order. What changes engine state (reports, ticks, acknowledgements) is
/// appended to the write-ahead log first, and the log hands each append to the queue in log order once it is on
/// disk, so the engine applies its input in exactly the order a replay of the log will. Admission is bounded:
/// ingest refuses new work (429) while <see cref="IsSaturated"/>; what the log already holds always finds a place.
/// </summary>
public sealed class EngineInbox(WriteAheadLog wal, int capacity)
{
    private readonly Channel<EngineInput> _queue = Channel.CreateUnbounded<EngineInput>(new UnboundedChannelOptions { SingleReader = true });
    private int _length;

    /// <summary>Inputs waiting for the engine.</summary>
    public int Length => Volatile.Read(ref _length);

    /// <summary>True while as many inputs wait as configured: new work is refused.</summary>
    public bool IsSaturated => Length >= capacity;

    internal ChannelReader<EngineInput> Reader => _queue.Reader;

    /// <summary>Logs a batch of accepted reports that arrived at <paramref name="receivedAt"/>; completes once it is on disk (and queued).</summary>
    /// <exception cref="IOException">The log could not write: nothing of the batch is accepted.</exception>
    /// <param name="reports">The reports (the first <paramref name="count"/>).</param>
    /// <param name="count">How many.</param>
    /// <param name="receivedAt">When the batch arrived.</param>
    /// <param name="trace">The request's trace, continued by the engine's and the store's spans.</param>
    /// <param name="cancellation">Gives up waiting for the disk (then nothing is accepted).</param>
    public async Task AppendReportsAsync(Report[] reports, int count, DateTimeOffset receivedAt, System.Diagnostics.ActivityContext trace, CancellationToken cancellation) =>
        await wal.AppendAsync(new ArraySegment<Report>(reports, 0, count), receivedAt, position =>
        {
            var batch = new ReportBatch(reports, count, receivedAt) { Checkpoint = position.Pack(), Trace = trace };
            Enqueue(new EngineInput(new EngineCommand.Process(batch), position, batch));
        }, cancellation);

    /// <summary>Logs a tick of processing time.</summary>
    public async Task TickAsync(DateTimeOffset at, CancellationToken cancellation)
    {
        var tick = new EngineCommand.Tick(at);
        await wal.AppendCommandAsync(EngineCommandCodec.Encode(tick), position => Enqueue(new EngineInput(tick, position, null)), cancellation);
    }

    /// <summary>Logs an acknowledgement and waits for the engine to apply it: the alert as acknowledged, or null when none with that id is open.</summary>
    public async Task<Alert?> AcknowledgeAsync(string alertId, string by, DateTimeOffset at, CancellationToken cancellation)
    {
        var command = new EngineCommand.Acknowledge(alertId, by, at);
        var reply = new TaskCompletionSource<Alert?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await wal.AppendCommandAsync(EngineCommandCodec.Encode(command), position => Enqueue(new EngineInput(command, position, null, reply)), cancellation);
        return await reply.Task.WaitAsync(cancellation);
    }

    /// <summary>Queues input read back from the log at start-up (it is durable already).</summary>
    public void Replay(EngineCommand command, WalPosition position, ReportBatch? store) => Enqueue(new EngineInput(command, position, store));

    /// <summary>Queues a command that is not logged (a rule reload).</summary>
    public void Post(EngineCommand command) => Enqueue(new EngineInput(command, default, null));

    /// <summary>Asks the loop for a snapshot after everything queued before; completes when it is written.</summary>
    public Task SnapshotAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(new EngineInput(null, default, null, Done: done));
        return done.Task;
    }

    /// <summary>No more input: the loop drains what is queued, snapshots and ends.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    internal void Taken() => Interlocked.Decrement(ref _length);

    private void Enqueue(EngineInput input)
    {
        // After Complete (shutdown) a logged input stays in the log and is replayed at the next start.
        if (_queue.Writer.TryWrite(input))
        {
            Interlocked.Increment(ref _length);
        }
        else
        {
            input.Reply?.TrySetCanceled();
            input.Done?.TrySetCanceled();
        }
    }
}

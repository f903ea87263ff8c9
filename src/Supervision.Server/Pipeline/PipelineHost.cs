using Supervision.Domain.Alerts;
using Supervision.Storage.History;

namespace Supervision.Server.Pipeline;

/// <summary>
/// Wires the running pipeline at start: opens the store, starts the engine loop, runs the warm start (snapshot and
/// write-ahead-log replay), and is ready once the replay is queued. Health and ingest read its state here.
/// </summary>
public sealed class PipelineHost(IHistoryStore store, EngineLoop loop, EngineRecovery recovery, EngineInbox inbox, Configuration.SupervisionOptions options, ILogger<PipelineHost> logger)
    : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _failure;

    /// <summary>Alert changes as the pipeline makes them, acknowledgements included.</summary>
    public IObservable<IReadOnlyList<Alert>> Alerts => loop.Alerts;

    /// <summary>Credit grade changes as the pipeline makes them.</summary>
    public IObservable<IReadOnlyList<GradeChange>> GradeChanges => loop.GradeChanges;

    /// <summary>Null while healthy; otherwise why not.</summary>
    public string? Failure => _failure ?? loop.Failure ?? (_ready.Task.IsCompletedSuccessfully ? null : "starting");

    /// <summary>Completes once the store is open and the replay is under way.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Inputs waiting for the engine.</summary>
    public int QueueLength => inbox.Length;

    /// <summary>True while the engine's queue is full: new work is refused.</summary>
    public bool IsSaturated => inbox.IsSaturated;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await store.InitializeAsync(stoppingToken);
        }
        catch (Exception e)
        {
            _failure = "history store failed to open: " + e.Message;
            logger.LogCritical(e, "History store failed to open");
            _ready.TrySetException(e);
            return;
        }
        // The loop runs during recovery too: replayed input flows through it like any other.
        var running = loop.RunAsync(CancellationToken.None);
        try
        {
            await recovery.RunAsync(stoppingToken);
            logger.LogInformation("Data directory: {Directory} (history, write-ahead log, snapshots, spill, keys)", Path.GetFullPath(options.DataDirectory));
            _ready.TrySetResult();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failure = "recovery failed: " + e.Message;
            logger.LogCritical(e, "Recovery failed");
            _ready.TrySetException(e);
        }
        await running;
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The loop drains what is queued and snapshots the engine before it ends.
        inbox.Complete();
        await base.StopAsync(cancellationToken);
    }
}

using System.Reactive.Subjects;
using System.Threading.Channels;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Storage.History;
using Supervision.Storage.Queries;
using Supervision.Storage.Writing;
using Supervision.Streaming.Pipeline;

namespace Supervision.Server.Pipeline;

/// <summary>
/// Owns the running pipeline: accepted batches queue here (bounded: <see cref="TrySubmit"/> refuses when full,
/// and ingest answers 503), one loop feeds them into the Rx pipeline, then hands reports and alert changes to
/// the history writer. Sinks subscribe to <see cref="Alerts"/>.
/// </summary>
public sealed class PipelineHost : BackgroundService
{
    private readonly Channel<ReportBatch> _queue;
    private readonly Subject<ReportBatch> _source = new();
    private readonly SupervisionPipeline _pipeline;
    private readonly IHistoryStore _store;
    private readonly HistoryWriter _writer;
    private readonly ILogger<PipelineHost> _logger;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _failure;

    public PipelineHost(SupervisionEngine engine, IHistoryStore store, HistoryWriter writer, Configuration.SupervisionOptions options, ILogger<PipelineHost> logger)
    {
        _queue = Channel.CreateBounded<ReportBatch>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true });
        _pipeline = new SupervisionPipeline(_source, engine);
        _store = store;
        _writer = writer;
        _logger = logger;
        _pipeline.Alerts.Subscribe(
            alerts =>
            {
                _writer.EnqueueAlertsAsync(alerts, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                // The pipeline scores on alert decisions; those scores feed the analyst risk queries.
                _writer.EnqueueScoresAsync([.. alerts.Select(RiskScoreRecord.FromAlert)], CancellationToken.None).AsTask().GetAwaiter().GetResult();
            },
            error =>
            {
                _failure = "pipeline stopped: " + error.Message;
                _logger.LogCritical(error, "The pipeline stopped");
            });
    }

    /// <summary>Alert changes as the pipeline makes them.</summary>
    public IObservable<IReadOnlyList<Alert>> Alerts => _pipeline.Alerts;

    /// <summary>Null while healthy; otherwise why not.</summary>
    public string? Failure => _failure ?? (_ready.Task.IsCompletedSuccessfully ? null : "starting");

    /// <summary>Completes once the store is open and the pipeline runs.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Batches waiting for the pipeline.</summary>
    public int QueueLength => _queue.Reader.Count;

    /// <summary>Queues a batch; false when the queue is full (overload).</summary>
    public bool TrySubmit(ReportBatch batch) => _failure is null && _queue.Writer.TryWrite(batch);

    /// <summary>Queues a batch, waiting for room (for in-process feeds that can wait).</summary>
    public ValueTask SubmitAsync(ReportBatch batch, CancellationToken cancellation) => _queue.Writer.WriteAsync(batch, cancellation);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _store.InitializeAsync(stoppingToken);
        }
        catch (Exception e)
        {
            _failure = "history store failed to open: " + e.Message;
            _logger.LogCritical(e, "History store failed to open");
            _ready.TrySetException(e);
            return;
        }
        _pipeline.Start();
        _ready.TrySetResult();
        try
        {
            await foreach (var batch in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                _source.OnNext(batch);
                await _writer.EnqueueReportsAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        _pipeline.Dispose();
        _source.Dispose();
    }
}

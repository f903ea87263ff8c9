using System.Buffers;
using System.Diagnostics;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Threading.Channels;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Ingest.Decoding;
using Supervision.Ingest.Idempotency;
using Supervision.Ingest.Validation;
using Supervision.Ingest.Wal;
using Supervision.Storage.History;
using Supervision.Storage.Queries;
using Supervision.Storage.Writing;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Telemetry;

namespace Supervision.Server.Pipeline;

/// <summary>
/// Owns the running pipeline: accepted batches queue here (bounded: ingest answers 429 while
/// <see cref="IsSaturated"/>), one loop feeds them into the Rx pipeline, then hands reports and alert changes to
/// the history writer. Sinks subscribe to <see cref="Alerts"/>. At start it opens the store, rebuilds the
/// idempotency index from stored reports and replays what the write-ahead log still holds, before it is ready.
/// </summary>
public sealed class PipelineHost : BackgroundService
{
    // Report batches and acknowledgements, in one order: the engine is single-threaded and this loop drives it.
    private readonly Channel<object> _queue;
    private readonly Subject<ReportBatch> _source = new();
    private readonly Subject<IReadOnlyList<Alert>> _acknowledged = new();
    private readonly SupervisionPipeline _pipeline;
    private readonly IHistoryStore _store;
    private readonly HistoryWriter _writer;
    private readonly ILogger<PipelineHost> _logger;
    private readonly ReportIdIndex _index;
    private readonly WriteAheadLog _wal;
    private readonly ReportValidator _validator;
    private readonly TimeProvider _clock;
    private readonly int _capacity;
    private readonly string _dataDirectory;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _failure;
    private readonly StreamingTelemetry _telemetry;

    public PipelineHost(
        SupervisionEngine engine,
        IHistoryStore store,
        HistoryWriter writer,
        ReportIdIndex index,
        WriteAheadLog wal,
        ReportValidator validator,
        TimeProvider clock,
        Configuration.SupervisionOptions options,
        ILogger<PipelineHost> logger,
        StreamingTelemetry telemetry)
    {
        _telemetry = telemetry;
        _index = index;
        _wal = wal;
        _validator = validator;
        _clock = clock;
        _capacity = options.QueueCapacity;
        _dataDirectory = Path.GetFullPath(options.DataDirectory);
        // Room beyond the admission limit: batches already in the log must always find a place.
        _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(options.QueueCapacity * 2) { SingleReader = true });
        _pipeline = new SupervisionPipeline(_source, engine);
        Alerts = _pipeline.Alerts.Merge(_acknowledged);
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
        Alerts.Subscribe(telemetry.AlertsChanged);
        telemetry.Meter.CreateObservableGauge("supervision.pipeline.queue.depth", () => _queue.Reader.Count, "{batch}", "Accepted batches waiting for the engine");
        // An acknowledgement is an alert event for history; it carries no new score.
        _acknowledged.Subscribe(alerts => _writer.EnqueueAlertsAsync(alerts, CancellationToken.None).AsTask().GetAwaiter().GetResult());
    }

    /// <summary>Alert changes as the pipeline makes them, acknowledgements included.</summary>
    public IObservable<IReadOnlyList<Alert>> Alerts { get; }

    /// <summary>Credit grade changes as the pipeline makes them.</summary>
    public IObservable<IReadOnlyList<GradeChange>> GradeChanges => _pipeline.GradeChanges;

    /// <summary>Null while healthy; otherwise why not.</summary>
    public string? Failure => _failure ?? (_ready.Task.IsCompletedSuccessfully ? null : "starting");

    /// <summary>Completes once the store is open and the pipeline runs.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Batches waiting for the pipeline.</summary>
    public int QueueLength => _queue.Reader.Count;

    /// <summary>True while the queue holds as many batches as configured: new work is refused.</summary>
    public bool IsSaturated => _queue.Reader.Count >= _capacity;

    /// <summary>Queues a batch, waiting for room (for in-process feeds that can wait).</summary>
    public ValueTask SubmitAsync(ReportBatch batch, CancellationToken cancellation) => _queue.Writer.WriteAsync(batch, cancellation);

    /// <summary>
    /// Acknowledges an open alert in turn with the reports before it; the acknowledged alert goes to the store and to
    /// every alert subscriber. Null when no alert with that id is open.
    /// </summary>
    public async Task<Alert?> AcknowledgeAsync(string alertId, CancellationToken cancellation)
    {
        var acknowledgement = new Acknowledgement(alertId, new TaskCompletionSource<Alert?>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(acknowledgement, cancellation);
        return await acknowledgement.Done.Task.WaitAsync(cancellation);
    }

    private sealed record Acknowledgement(string AlertId, TaskCompletionSource<Alert?> Done);

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
        // The loop runs during recovery too: replayed batches flow through it like any others.
        var loop = RunAsync(stoppingToken);
        try
        {
            await RecoverAsync(stoppingToken);
            _ready.TrySetResult();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failure = "recovery failed: " + e.Message;
            _logger.LogCritical(e, "Recovery from the write-ahead log failed");
            _ready.TrySetException(e);
        }
        await loop;
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var work in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                if (work is Acknowledgement acknowledgement)
                {
                    var alert = _pipeline.Engine.Acknowledge(acknowledgement.AlertId, out var changed);
                    if (changed)
                    {
                        _acknowledged.OnNext([alert!]);
                    }
                    acknowledgement.Done.TrySetResult(alert);
                    continue;
                }
                var batch = (ReportBatch)work;
                _telemetry.Processing(batch, _clock.GetUtcNow());
                using (StreamingTelemetry.Source.StartActivity("pipeline.process", ActivityKind.Consumer, batch.Trace))
                {
                    _source.OnNext(batch);
                }
                await _writer.EnqueueReportsAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The idempotency window: reports resent within it count as duplicates.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private async Task RecoverAsync(CancellationToken cancellation)
    {
        var now = _clock.GetUtcNow();
        var seeded = 0;
        await _store.ForEachReportIdAsync(now - Retention - TimeSpan.FromDays(1), (enterprise, reportId, receivedAt) =>
        {
            _index.Seed(ReportIdIndex.Key(enterprise, reportId), receivedAt, now);
            seeded++;
        }, cancellation);

        var records = _wal.Open();
        var decoder = new ReportDecoder(_validator);
        var replayed = 0;
        var skipped = 0;
        var batch = new List<Report>();
        var added = new bool[1];
        var body = new ArrayBufferWriter<byte>();
        WalPosition last = default;
        // Records are canonical envelopes: a thousand at a time decode as one NDJSON body.
        for (var start = 0; start < records.Count; start += 1000)
        {
            var chunk = records.GetRange(start, Math.Min(1000, records.Count - start));
            body.ResetWrittenCount();
            foreach (var record in chunk)
            {
                body.Write(record.Envelope.Span);
                body.Write("\n"u8);
            }
            var decoded = decoder.DecodeNdjson(body.WrittenSpan);
            foreach (var rejected in decoded.Rejected)
            {
                _logger.LogWarning("Write-ahead log record at {Position} no longer validates and is dropped: {Errors}", chunk[rejected.Index].Position,
                    string.Join("; ", rejected.Errors.Select(e => $"{e.Field} {e.Message}")));
            }
            last = chunk[^1].Position;
            foreach (var report in decoded.Accepted)
            {
                _index.TryAddAll([ReportIdIndex.Key(report.EnterpriseId.Value, report.ReportId)], now, added);
                if (!added[0])
                {
                    skipped++; // stored before the crash, or logged twice
                    continue;
                }
                batch.Add(report);
                replayed++;
            }
            if (batch.Count > 0)
            {
                await SubmitAsync(new ReportBatch([.. batch], now) { Checkpoint = last.Pack() }, cancellation);
                batch.Clear();
            }
        }
        if (records.Count > 0 && replayed == 0)
        {
            _wal.MarkStored(new WalPosition(last.Segment + 1, 0));
        }
        _logger.LogInformation("Data directory: {Directory} (history, write-ahead log, spill, keys)", _dataDirectory);
        _logger.LogInformation(
            "Recovered: {Seeded} report ids of the last {Days} days from history; {Replayed} reports replayed from the write-ahead log, {Skipped} already stored",
            seeded, Retention.TotalDays, replayed, skipped);
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

using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Supervision.Domain.Alerts;
using Supervision.Ingest.Wal;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Telemetry;

namespace Supervision.Server.Pipeline;

/// <summary>
/// Drives the engine: takes the inbox's inputs one at a time through the Rx pipeline, hands what each made to the
/// history sink (waiting while the store is behind), answers whoever waits for it, and snapshots the engine with the
/// log position of the last logged input applied: every <see cref="Configuration.EngineOptions.SnapshotInterval"/>,
/// when asked, and when the inbox completes at shutdown.
/// </summary>
public sealed class EngineLoop : IDisposable
{
    private readonly EngineInbox _inbox;
    private readonly HistorySink _sink;
    private readonly SnapshotStore _snapshots;
    private readonly WriteAheadLog _wal;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _interval;
    private readonly ILogger<EngineLoop> _logger;
    private readonly StreamingTelemetry _telemetry;
    private readonly Subject<EngineCommand> _source = new();
    private readonly SupervisionPipeline _pipeline;
    private PipelineOutput? _last;
    private WalPosition _applied;
    private WalPosition _snapshotted;

    public EngineLoop(SupervisionEngine engine, EngineInbox inbox, HistorySink sink, SnapshotStore snapshots, WriteAheadLog wal, TimeProvider clock,
        Configuration.SupervisionOptions options, StreamingTelemetry telemetry, ILogger<EngineLoop> logger)
    {
        _telemetry = telemetry;
        _inbox = inbox;
        _sink = sink;
        _snapshots = snapshots;
        _wal = wal;
        _clock = clock;
        _interval = options.Engine.SnapshotInterval;
        _logger = logger;
        _pipeline = new SupervisionPipeline(_source, engine);
        _pipeline.Outputs.Subscribe(output => _last = output, error => Failure = "pipeline stopped: " + error.Message);
        _pipeline.Alerts.Subscribe(telemetry.AlertsChanged);
        telemetry.Meter.CreateObservableGauge("supervision.pipeline.queue.depth", () => inbox.Length, "{input}", "Inputs (report batches, ticks, alert actions) waiting for the engine");
        // Read from the metrics thread while the loop runs: counts of a moment, which is all a gauge promises.
        telemetry.Meter.CreateObservableGauge("supervision.engine.state", () => engine.StateSizes().Select(s => new Measurement<long>(s.Entries, new KeyValuePair<string, object?>("state", s.State))),
            "{entry}", "State the engine holds, by kind (enterprises, open alerts, subjects per report kind, rule entries)");
        telemetry.Meter.CreateObservableCounter("supervision.engine.late_reports", () => Enum.GetValues<Domain.Reports.ReportKind>().Select(k => new Measurement<long>(engine.Counters.LateReports(k), new KeyValuePair<string, object?>("kind", Domain.Reports.ReportKinds.Name(k)))),
            "{report}", "Reports later than the disorder policy allows, by kind (stored, not judged under the drop policy)");
    }

    /// <summary>The engine.</summary>
    public SupervisionEngine Engine => _pipeline.Engine;

    /// <summary>Alert changes as the engine makes them (acknowledgements included).</summary>
    public IObservable<IReadOnlyList<Alert>> Alerts => _pipeline.Alerts;

    /// <summary>Credit grade changes as the engine makes them.</summary>
    public IObservable<IReadOnlyList<GradeChange>> GradeChanges => _pipeline.GradeChanges;

    /// <summary>Null while running; otherwise why not.</summary>
    public string? Failure { get; private set; }

    /// <summary>Runs until the inbox completes, then takes a last snapshot.</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        _pipeline.Start();
        var nextSnapshot = _clock.GetUtcNow() + _interval;
        await foreach (var input in _inbox.Reader.ReadAllAsync(CancellationToken.None))
        {
            _inbox.Taken();
            if (input.Command is null)
            {
                Snapshot();
                input.Done?.TrySetResult();
                continue;
            }
            _last = null;
            if (input.Command is EngineCommand.Process process)
            {
                _telemetry.Processing(process.Batch, _clock.GetUtcNow());
                using (StreamingTelemetry.Source.StartActivity("pipeline.process", ActivityKind.Consumer, process.Batch.Trace))
                {
                    _source.OnNext(input.Command);
                }
            }
            else
            {
                _source.OnNext(input.Command);
            }
            if (_last is not { } output)
            {
                input.Reply?.TrySetException(new InvalidOperationException(Failure ?? "the pipeline stopped"));
                _logger.LogCritical("The pipeline stopped: {Failure}", Failure);
                return;
            }
            if (input.Position != default)
            {
                _applied = input.Position;
            }
            await _sink.WriteAsync(input.Store, output, cancellation);
            input.Reply?.TrySetResult(output.Reply);
            if (input.Command is EngineCommand.Reload || _clock.GetUtcNow() >= nextSnapshot)
            {
                Snapshot();
                nextSnapshot = _clock.GetUtcNow() + _interval;
            }
        }
        Snapshot();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _pipeline.Dispose();
        _source.Dispose();
    }

    private void Snapshot()
    {
        try
        {
            _snapshots.Write(Engine, _applied, _clock.GetUtcNow());
            if (_applied != _snapshotted)
            {
                _wal.MarkSnapshotted(_applied);
                _snapshotted = _applied;
            }
        }
        catch (IOException e)
        {
            // The log keeps what the last good snapshot does not cover, so nothing is lost: a restart replays more.
            _logger.LogError(e, "Engine snapshot failed; the write-ahead log keeps everything since the last one");
        }
    }
}

using System.Diagnostics;
using System.Threading.Channels;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Storage.History;
using Supervision.Storage.Queries;
using Supervision.Storage.Telemetry;

namespace Supervision.Storage.Writing;

/// <summary>How the history writer queues, batches and spills.</summary>
public sealed record HistoryWriterOptions
{
    /// <summary>Writes that may wait in memory; beyond it producers wait (backpressure).</summary>
    public int Capacity { get; init; } = 1024;

    /// <summary>Where writes go while the store is down, replayed in order when it is back; null to report and drop instead.</summary>
    public string? SpillDirectory { get; init; }

    /// <summary>How long to wait after a failed write before trying the store again.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Most queued writes taken at once; consecutive report batches go to the store as one append (each with its own
    /// arrival time), consecutive writes of another kind and one time likewise.
    /// </summary>
    public int MaxItemsPerRound { get; init; } = 256;

    /// <summary>
    /// Called with a report batch's <see cref="ReportBatch.Checkpoint"/> once the batch is durable here: in the
    /// store, or in the spill. The write-ahead log drops what it no longer needs from it.
    /// </summary>
    public Action<long>? OnReportsDurable { get; init; }

    /// <summary>Where rows written, write latency, pending and spilled writes are counted, and writes traced; none when null.</summary>
    public StorageTelemetry? Telemetry { get; init; }
}

/// <summary>
/// Puts store writes behind a bounded queue drained by one loop, so request threads and the pipeline never wait
/// on the store while it keeps up. Overload policy: the queue is bounded and producers wait for room (slowing
/// the pipeline rather than losing anything). Failure policy: when the store fails a write, that write and every
/// later one go to the spill directory, in order, until the store takes the oldest spilled write again; then
/// the spill replays oldest first before anything new is written. Appends are idempotent in every backend, so a
/// write that reached the store although the call failed is not duplicated by its replay.
/// </summary>
public sealed class HistoryWriter : IAsyncDisposable
{
    private readonly IHistoryAppender _store;
    private readonly TimeProvider _clock;
    private readonly HistoryWriterOptions _options;
    private readonly Channel<Item> _queue;
    private readonly Task _loop;
    private readonly Action<Exception> _onError;
    private readonly SpillFile? _spill;
    private readonly List<TaskCompletionSource> _waitingForSpill = [];
    private DateTimeOffset _retryAt;
    private long _pending;
    private long _spilled;
    private long _replayed;

    /// <summary>A writer into <paramref name="store"/> with room for <paramref name="capacity"/> queued batches and no spill.</summary>
    public HistoryWriter(IHistoryAppender store, TimeProvider clock, int capacity, Action<Exception> onError)
        : this(store, clock, new HistoryWriterOptions { Capacity = capacity }, onError)
    {
    }

    /// <summary>A writer into <paramref name="store"/>; with a spill directory, writes spilled by an earlier run replay first.</summary>
    public HistoryWriter(IHistoryAppender store, TimeProvider clock, HistoryWriterOptions options, Action<Exception> onError)
    {
        _store = store;
        _clock = clock;
        _options = options;
        _onError = onError;
        _spill = options.SpillDirectory is null ? null : new SpillFile(options.SpillDirectory);
        _queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(options.Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _loop = Task.Run(RunAsync);
        if (options.Telemetry is { } telemetry)
        {
            telemetry.Meter.CreateObservableGauge("supervision.store.pending", () => Pending, "{write}", "Writes queued for the history store");
            telemetry.Meter.CreateObservableGauge("supervision.store.spill.backlog", () => SpillBacklog, "{write}", "Writes spilled to disk, waiting to replay into the store");
        }
    }

    /// <summary>Writes queued and not yet written or spilled.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Writes waiting in the spill directory.</summary>
    public int SpillBacklog => Volatile.Read(ref _spillCount);

    /// <summary>Writes spilled since start.</summary>
    public long Spilled => Interlocked.Read(ref _spilled);

    /// <summary>Spilled writes replayed into the store since start.</summary>
    public long Replayed => Interlocked.Read(ref _replayed);

    private int _spillCount;

    /// <summary>Queues a batch of reports, waiting for room.</summary>
    public ValueTask EnqueueReportsAsync(ReportBatch batch, CancellationToken cancellation) =>
        EnqueueAsync(new Item(Kind.Reports, batch.ReceivedAt, Reports: batch, Checkpoint: batch.Checkpoint), cancellation);

    /// <summary>Queues alert changes, waiting for room.</summary>
    public ValueTask EnqueueAlertsAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellation) =>
        EnqueueAsync(new Item(Kind.Alerts, _clock.GetUtcNow(), Alerts: alerts), cancellation);

    /// <summary>Queues risk scores, waiting for room.</summary>
    public ValueTask EnqueueScoresAsync(IReadOnlyList<RiskScoreRecord> scores, CancellationToken cancellation) =>
        EnqueueAsync(new Item(Kind.Scores, default, Scores: scores), cancellation);

    /// <summary>Queues risk snapshots, waiting for room.</summary>
    public ValueTask EnqueueSnapshotsAsync(IReadOnlyList<RiskSnapshot> snapshots, CancellationToken cancellation) =>
        EnqueueAsync(new Item(Kind.Snapshots, default, Snapshots: snapshots), cancellation);

    /// <summary>Queues grade changes, waiting for room.</summary>
    public ValueTask EnqueueGradeChangesAsync(IReadOnlyList<GradeChange> changes, CancellationToken cancellation) =>
        EnqueueAsync(new Item(Kind.GradeChanges, default, GradeChanges: changes), cancellation);

    /// <summary>Queues audit records, waiting for room.</summary>
    public ValueTask EnqueueAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellation) =>
        EnqueueAsync(new Item(Kind.Audit, default, Audit: records), cancellation);

    /// <summary>
    /// Completes when everything queued before the call is in the store (with a spill, that includes waiting
    /// until the store is back and the spill has replayed).
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellation)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await EnqueueAsync(new Item(Kind.Flush, default, Flushed: done), cancellation).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async ValueTask EnqueueAsync(Item item, CancellationToken cancellation)
    {
        Interlocked.Increment(ref _pending);
        try
        {
            await _queue.Writer.WriteAsync(item, cancellation).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _pending);
            throw;
        }
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var round = new List<Item>(_options.MaxItemsPerRound);
        while (true)
        {
            if (_spill is { Count: > 0 } && _clock.GetUtcNow() >= _retryAt)
            {
                await ReplayAsync().ConfigureAwait(false);
            }
            if (!reader.TryPeek(out _))
            {
                if (_spill is { Count: > 0 })
                {
                    var wait = _retryAt - _clock.GetUtcNow();
                    using var timeout = new CancellationTokenSource(wait > TimeSpan.Zero ? wait : _options.RetryDelay, _clock);
                    try
                    {
                        if (!await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        continue;
                    }
                }
                else if (!await reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            round.Clear();
            while (round.Count < _options.MaxItemsPerRound && reader.TryRead(out var item))
            {
                round.Add(item);
            }
            var start = 0;
            while (start < round.Count)
            {
                var end = start + 1;
                while (end < round.Count && round[end].Kind == round[start].Kind && round[end].Kind != Kind.Flush
                       && (round[end].Kind == Kind.Reports || round[end].At == round[start].At))
                {
                    end++;
                }
                await ProcessAsync(round, start, end).ConfigureAwait(false);
                Interlocked.Add(ref _pending, start - end);
                start = end;
            }
        }
        foreach (var waiting in _waitingForSpill)
        {
            waiting.TrySetException(new InvalidOperationException($"the history writer stopped with {_spill?.Count} writes spilled; they replay on the next start"));
        }
    }

    private async Task ProcessAsync(List<Item> round, int start, int end)
    {
        var first = round[start];
        if (first.Kind == Kind.Flush)
        {
            if (_spill is { Count: > 0 })
            {
                _waitingForSpill.Add(first.Flushed!);
            }
            else
            {
                first.Flushed!.TrySetResult();
            }
            return;
        }
        var write = Merge(round, start, end);
        if (_spill is { Count: > 0 })
        {
            Spill(write);
            Durable(round, start, end);
            return;
        }
        try
        {
            await TracedWriteAsync(write).ConfigureAwait(false);
            Durable(round, start, end);
        }
        catch (Exception e) when (_spill is not null)
        {
            _onError(e);
            Spill(write);
            Durable(round, start, end);
            _retryAt = _clock.GetUtcNow() + _options.RetryDelay;
        }
        catch (Exception e)
        {
            _onError(e);
        }
    }

    private void Durable(List<Item> round, int start, int end)
    {
        if (_options.OnReportsDurable is not { } durable || round[start].Kind != Kind.Reports)
        {
            return;
        }
        var checkpoint = 0L;
        for (var i = start; i < end; i++)
        {
            checkpoint = Math.Max(checkpoint, round[i].Checkpoint);
        }
        if (checkpoint != 0)
        {
            durable(checkpoint);
        }
    }

    private async Task ReplayAsync()
    {
        while (_spill!.Peek() is var (id, entry))
        {
            PendingWrite write;
            try
            {
                write = PendingWrite.FromSpill(entry);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or ArgumentException)
            {
                // A spilled write this version cannot read would block every later one: set it aside and go on.
                _onError(new InvalidDataException($"spilled write {id} cannot be replayed and was moved to {_spill.Quarantine(id)}: {e.Message}", e));
                Volatile.Write(ref _spillCount, _spill.Count);
                continue;
            }
            try
            {
                await WriteAsync(write).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _onError(e);
                _retryAt = _clock.GetUtcNow() + _options.RetryDelay;
                return;
            }
            _spill.Remove(id);
            Volatile.Write(ref _spillCount, _spill.Count);
            Interlocked.Increment(ref _replayed);
        }
        foreach (var waiting in _waitingForSpill)
        {
            waiting.TrySetResult();
        }
        _waitingForSpill.Clear();
    }

    private void Spill(PendingWrite write)
    {
        _options.Telemetry?.Spilled(write.Kind.ToString());
        foreach (var entry in write.ToSpill())
        {
            _spill!.Append(entry);
            Interlocked.Increment(ref _spilled);
        }
        Volatile.Write(ref _spillCount, _spill!.Count);
    }

    private async Task TracedWriteAsync(PendingWrite write)
    {
        if (_options.Telemetry is not { } telemetry)
        {
            await WriteAsync(write).ConfigureAwait(false);
            return;
        }
        // One append may carry batches of several requests: the span continues the first one's trace and links the others.
        ActivityContext parent = default;
        List<ActivityLink>? links = null;
        foreach (var batch in write.Reports ?? [])
        {
            if (batch.Trace == default)
            {
                continue;
            }
            if (parent == default)
            {
                parent = batch.Trace;
            }
            else
            {
                (links ??= []).Add(new ActivityLink(batch.Trace));
            }
        }
        using var activity = StorageTelemetry.Source.StartActivity(ActivityKind.Internal, parent, links: links, name: "store.write");
        activity?.SetTag("supervision.store.kind", write.Kind.ToString());
        var started = Stopwatch.GetTimestamp();
        await WriteAsync(write).ConfigureAwait(false);
        telemetry.Written(write.Kind.ToString(), write.Rows, Stopwatch.GetElapsedTime(started));
    }

    private Task WriteAsync(PendingWrite write)
    {
        var none = CancellationToken.None;
        return write.Kind switch
        {
            Kind.Reports => _store.AppendReportBatchesAsync(write.Reports!, none),
            Kind.Alerts => _store.AppendAlertsAsync(write.Alerts!, write.At, none),
            Kind.Scores => _store.AppendScoresAsync(write.Scores!, none),
            Kind.Snapshots => _store.AppendSnapshotsAsync(write.Snapshots!, none),
            Kind.GradeChanges => _store.AppendGradeChangesAsync(write.GradeChanges!, none),
            Kind.Audit => _store.AppendAuditAsync(write.Audit!, none),
            _ => throw new InvalidOperationException("flush markers are not written"),
        };
    }

    private static PendingWrite Merge(List<Item> round, int start, int end)
    {
        var first = round[start];
        IReadOnlyList<T> All<T>(Func<Item, IReadOnlyList<T>> rows)
        {
            if (end - start == 1)
            {
                return rows(first);
            }
            var all = new List<T>();
            for (var i = start; i < end; i++)
            {
                all.AddRange(rows(round[i]));
            }
            return all;
        }
        return first.Kind switch
        {
            Kind.Reports => new PendingWrite(Kind.Reports, first.At, Reports: [.. round.Skip(start).Take(end - start).Select(i => i.Reports!)]),
            Kind.Alerts => new PendingWrite(Kind.Alerts, first.At, Alerts: All(i => i.Alerts!)),
            Kind.Scores => new PendingWrite(Kind.Scores, first.At, Scores: All(i => i.Scores!)),
            Kind.Snapshots => new PendingWrite(Kind.Snapshots, first.At, Snapshots: All(i => i.Snapshots!)),
            Kind.GradeChanges => new PendingWrite(Kind.GradeChanges, first.At, GradeChanges: All(i => i.GradeChanges!)),
            Kind.Audit => new PendingWrite(Kind.Audit, first.At, Audit: All(i => i.Audit!)),
            _ => throw new InvalidOperationException("flush markers are not written"),
        };
    }

    /// <summary>
    /// One append to the store, in memory: typed rows, no conversion on the fast path. Report batches of different
    /// arrival times make one append (each keeps its time); other kinds merge only within one time.
    /// </summary>
    private sealed record PendingWrite(
        Kind Kind,
        DateTimeOffset At,
        IReadOnlyList<ReportBatch>? Reports = null,
        IReadOnlyList<Alert>? Alerts = null,
        IReadOnlyList<RiskScoreRecord>? Scores = null,
        IReadOnlyList<RiskSnapshot>? Snapshots = null,
        IReadOnlyList<GradeChange>? GradeChanges = null,
        IReadOnlyList<AuditRecord>? Audit = null)
    {
        /// <summary>Rows this write appends.</summary>
        public int Rows => Kind switch
        {
            Kind.Reports => Reports!.Sum(b => b.Count),
            Kind.Alerts => Alerts!.Count,
            Kind.Scores => Scores!.Count,
            Kind.Snapshots => Snapshots!.Count,
            Kind.GradeChanges => GradeChanges!.Count,
            Kind.Audit => Audit!.Count,
            _ => 0,
        };

        /// <summary>The spill entries of this write: one per report batch (an entry has one arrival time), else one.</summary>
        public IEnumerable<SpillEntry> ToSpill()
        {
            if (Reports is null)
            {
                yield return new SpillEntry(Kind.ToString(), At, null, Alerts?.ToArray(), GradeChanges?.ToArray(), Scores?.ToArray(), Snapshots?.ToArray(), Audit?.ToArray());
                yield break;
            }
            foreach (var batch in Reports)
            {
                var reports = new SpilledReport[batch.Count];
                for (var i = 0; i < reports.Length; i++)
                {
                    reports[i] = SpilledReport.From(batch.Reports[i], SpillFile.Options);
                }
                yield return new SpillEntry(Kind.ToString(), batch.ReceivedAt, reports, null, null, null, null, null);
            }
        }

        public static PendingWrite FromSpill(SpillEntry entry) => Enum.TryParse<Kind>(entry.Kind, out var kind) && kind != Kind.Flush
            ? new PendingWrite(kind, entry.At,
                entry.Reports is null ? null : [new ReportBatch([.. entry.Reports.Select(r => r.ToReport(SpillFile.Options))], entry.At)],
                entry.Alerts, entry.Scores, entry.Snapshots, entry.GradeChanges, entry.Audit)
            : throw new InvalidDataException($"unknown spilled write kind '{entry.Kind}'");
    }

    private enum Kind
    {
        Reports,
        Alerts,
        Scores,
        Snapshots,
        GradeChanges,
        Audit,
        Flush,
    }

    private sealed record Item(
        Kind Kind,
        DateTimeOffset At,
        ReportBatch? Reports = null,
        IReadOnlyList<Alert>? Alerts = null,
        IReadOnlyList<RiskScoreRecord>? Scores = null,
        IReadOnlyList<RiskSnapshot>? Snapshots = null,
        IReadOnlyList<GradeChange>? GradeChanges = null,
        IReadOnlyList<AuditRecord>? Audit = null,
        TaskCompletionSource? Flushed = null,
        long Checkpoint = 0);
}

using System.Threading.Channels;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Storage.History;

namespace Supervision.Storage.Writing;

/// <summary>
/// Puts store writes behind a bounded queue drained by one loop, so request threads and the pipeline never wait
/// on disk. Overload policy: the queue is bounded and
/// the pipeline's report and alert writes wait for room, slowing it rather than losing anything.
/// </summary>
public sealed class HistoryWriter : IAsyncDisposable
{
    private readonly IHistoryStore _store;
    private readonly TimeProvider _clock;
    private readonly Channel<Item> _queue;
    private readonly Task _loop;
    private readonly Action<Exception> _onError;
    private readonly Action<ReportBatch>? _onReportsStored;
    private long _pending;

    /// <summary>
    /// A writer into <paramref name="store"/> with room for <paramref name="capacity"/> queued batches, calling
    /// <paramref name="onReportsStored"/> after each report batch is stored.
    /// </summary>
    public HistoryWriter(IHistoryStore store, TimeProvider clock, int capacity, Action<Exception> onError, Action<ReportBatch>? onReportsStored = null)
    {
        _onReportsStored = onReportsStored;
        _store = store;
        _clock = clock;
        _onError = onError;
        _queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Batches queued and not yet written.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Queues a batch of reports, waiting for room.</summary>
    public async ValueTask EnqueueReportsAsync(ReportBatch batch, CancellationToken cancellation)
    {
        Interlocked.Increment(ref _pending);
        await _queue.Writer.WriteAsync(new Item(batch, null, batch.ReceivedAt, null), cancellation).ConfigureAwait(false);
    }

    /// <summary>Queues alert changes, waiting for room.</summary>
    public async ValueTask EnqueueAlertsAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellation)
    {
        Interlocked.Increment(ref _pending);
        await _queue.Writer.WriteAsync(new Item(null, alerts, _clock.GetUtcNow(), null), cancellation).ConfigureAwait(false);
    }

    /// <summary>Completes when everything queued before the call is written.</summary>
    public async Task FlushAsync(CancellationToken cancellation)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _pending);
        await _queue.Writer.WriteAsync(new Item(null, null, default, done), cancellation).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        await foreach (var item in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                if (item.Reports is not null)
                {
                    await _store.AppendReportsAsync(new ArraySegment<Report>(item.Reports.Reports, 0, item.Reports.Count), item.At, CancellationToken.None).ConfigureAwait(false);
                    _onReportsStored?.Invoke(item.Reports);
                }
                else if (item.Alerts is not null)
                {
                    await _store.AppendAlertsAsync(item.Alerts, item.At, CancellationToken.None).ConfigureAwait(false);
                }
                item.Flushed?.TrySetResult();
            }
            catch (Exception e)
            {
                item.Flushed?.TrySetException(e);
                _onError(e);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    private sealed record Item(ReportBatch? Reports, IReadOnlyList<Alert>? Alerts, DateTimeOffset At, TaskCompletionSource? Flushed);
}

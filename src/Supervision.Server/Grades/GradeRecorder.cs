using System.Collections.Concurrent;
using System.Threading.Channels;
using Supervision.Domain.Alerts;
using Supervision.Server.Pipeline;
using Supervision.Storage.History;

namespace Supervision.Server.Grades;

/// <summary>
/// Stores credit grade changes from the pipeline through <see cref="IHistoryStore"/> and keeps each enterprise's
/// latest grade in memory for <c>GET /api/v1/enterprises/{id}/risk</c>. Changes queue in a bounded channel so a
/// slow store never stalls the pipeline; an overflow is logged, never silent.
/// </summary>
public sealed class GradeRecorder : BackgroundService
{
    private const int Capacity = 100_000;
    private const int MaxBatch = 1000;
    private readonly PipelineHost _pipeline;
    private readonly IHistoryStore _store;
    private readonly ILogger<GradeRecorder> _logger;
    private readonly Channel<GradeChange> _queue = Channel.CreateBounded<GradeChange>(new BoundedChannelOptions(Capacity) { SingleReader = true });
    private readonly ConcurrentDictionary<string, GradeChange> _latest = new(StringComparer.Ordinal);
    private long _dropped;

    public GradeRecorder(PipelineHost pipeline, IHistoryStore store, ILogger<GradeRecorder> logger)
    {
        _pipeline = pipeline;
        _store = store;
        _logger = logger;
        pipeline.GradeChanges.Subscribe(changes =>
        {
            foreach (var change in changes)
            {
                _latest[change.EnterpriseId] = change;
                if (!_queue.Writer.TryWrite(change) && Interlocked.Increment(ref _dropped) % 1000 == 1)
                {
                    _logger.LogError("Grade change queue full: {Dropped} grade changes not stored so far", Interlocked.Read(ref _dropped));
                }
            }
        });
    }

    /// <summary>The newest grade change of an enterprise seen since start, if any.</summary>
    public GradeChange? Latest(string enterpriseId) => _latest.GetValueOrDefault(enterpriseId);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _pipeline.Ready.WaitAsync(stoppingToken);
            var batch = new List<GradeChange>(MaxBatch);
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var change))
                {
                    batch.Add(change);
                }
                try
                {
                    await _store.AppendGradeChangesAsync(batch, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogError(e, "Could not store {Count} grade changes", batch.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

using System.Collections.Concurrent;
using Supervision.Domain.Alerts;
using Supervision.Server.Pipeline;
using Supervision.Storage.Queries;
using Supervision.Storage.Writing;

namespace Supervision.Server.Grades;

/// <summary>
/// Hands credit grade changes from the pipeline to the history writer (bounded, spilling to disk while the store
/// is down), each with the risk snapshot it implies, and keeps each enterprise's latest grade in memory for
/// <c>GET /api/v1/enterprises/{id}/risk</c>. A hosted service only so that it subscribes at start, before the
/// pipeline connects.
/// </summary>
public sealed class GradeRecorder : IHostedService
{
    private readonly ConcurrentDictionary<string, GradeChange> _latest = new(StringComparer.Ordinal);

    public GradeRecorder(PipelineHost pipeline, HistoryWriter writer)
    {
        pipeline.GradeChanges.Subscribe(changes =>
        {
            foreach (var change in changes)
            {
                _latest[change.EnterpriseId] = change;
            }
            // Waiting here slows the pipeline while the writer is full, as alert writes do, rather than dropping grades.
            writer.EnqueueGradeChangesAsync(changes, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            writer.EnqueueSnapshotsAsync(
                [.. changes.Select(c => new RiskSnapshot(c.EnterpriseId, c.Region, c.Sector, c.At, c.Score, c.To, c.ModelVersion))],
                CancellationToken.None).AsTask().GetAwaiter().GetResult();
        });
    }

    /// <summary>The newest grade change of an enterprise seen since start, if any.</summary>
    public GradeChange? Latest(string enterpriseId) => _latest.GetValueOrDefault(enterpriseId);

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

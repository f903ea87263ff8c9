using System.Collections.Concurrent;
using Supervision.Domain.Alerts;
using Supervision.Server.Pipeline;
using Supervision.Storage.Queries;
using Supervision.Storage.Writing;

namespace Supervision.Server.Grades;

/// <summary>
/// Keeps each enterprise's latest grade change in memory for <c>GET /api/v1/enterprises/{id}/risk</c> (the
/// history sink stores them). A hosted service only so that it subscribes at start, before the pipeline connects.
/// </summary>
public sealed class GradeRecorder : IHostedService
{
    private readonly ConcurrentDictionary<string, GradeChange> _latest = new(StringComparer.Ordinal);

    public GradeRecorder(PipelineHost pipeline)
    {
        pipeline.GradeChanges.Subscribe(changes =>
        {
            foreach (var change in changes)
            {
                _latest[change.EnterpriseId] = change;
            }
        });
    }

    /// <summary>The newest grade change of an enterprise seen since start, if any.</summary>
    public GradeChange? Latest(string enterpriseId) => _latest.GetValueOrDefault(enterpriseId);

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

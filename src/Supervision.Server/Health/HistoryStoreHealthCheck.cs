using Microsoft.Extensions.Diagnostics.HealthChecks;
using Supervision.Storage.Writing;

namespace Supervision.Server.Health;

/// <summary>
/// Degraded (still ready: nothing acknowledged is lost) while the history store refuses writes and they spill to
/// disk; healthy otherwise.
/// </summary>
public sealed class HistoryStoreHealthCheck(HistoryWriter writer) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(writer.SpillBacklog > 0
            ? HealthCheckResult.Degraded($"the history store is not taking writes: {writer.SpillBacklog} spilled to disk, replayed when it is back")
            : HealthCheckResult.Healthy($"{writer.Pending} writes pending"));
}

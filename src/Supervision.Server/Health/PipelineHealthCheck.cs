using Microsoft.Extensions.Diagnostics.HealthChecks;
using Supervision.Server.Pipeline;

namespace Supervision.Server.Health;

/// <summary>Ready once the store is open and the write-ahead log replayed; unhealthy if the pipeline stopped.</summary>
public sealed class PipelineHealthCheck(PipelineHost pipeline) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(pipeline.Failure is { } failure
            ? HealthCheckResult.Unhealthy(failure)
            : HealthCheckResult.Healthy($"{pipeline.QueueLength} batches queued"));
}

using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Supervision.Server.Health;

/// <summary>
/// ASP.NET Core health checks for an orchestrator: <c>/healthz/live</c> (the process answers: no check runs) and
/// <c>/healthz/ready</c> (pipeline and history store), JSON with each check's status and why; 503 when unhealthy.
/// </summary>
public static class HealthExtensions
{
    private const string Ready = "ready";

    public static WebApplicationBuilder AddSupervisionHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<PipelineHealthCheck>("pipeline", tags: [Ready])
            .AddCheck<HistoryStoreHealthCheck>("history-store", tags: [Ready]);
        return builder;
    }

    public static IEndpointRouteBuilder MapSupervisionHealth(this IEndpointRouteBuilder app)
    {
        // Probes come from the orchestrator, which holds no credentials; the answers carry no data of anyone.
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .WithMetadata(new HttpMethodMetadata(["GET"])).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready), ResponseWriter = WriteAsync })
            .WithMetadata(new HttpMethodMetadata(["GET"])).AllowAnonymous();
        return app;
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }, cancellationToken: http.RequestAborted);
    }
}

using Supervision.Scoring.Models;
using Supervision.Server.Auditing;
using Supervision.Server.Authorization;
using Supervision.Server.Configuration;
using Supervision.Server.Models;

namespace Supervision.Server.Api;

/// <summary>Operator endpoints: <c>POST /api/v1/admin/models/reload</c>, <c>GET /api/v1/admin/models</c>.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin").RequireAuthorization(Policies.Admin);
        admin.MapPost("/models/reload", (SectorModels models, SupervisionOptions options, ILogger<ModelWatchService> logger) =>
        {
            var results = models.Reload(options.ResolvedModelsDirectory);
            ModelWatchService.Log(logger, results);
            var failed = results.Any(r => r.Status == "failed");
            return Results.Json(new { inService = models.InService(), sectors = results }, statusCode: failed ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
        }).AuditEveryCall();
        admin.MapGet("/models", (SectorModels models) => Results.Ok(new { inService = models.InService() }));
        return app;
    }
}

using Supervision.Scoring.Models;
using Supervision.Server.Api.Bodies;
using Supervision.Server.Auditing;
using Supervision.Server.Authorization;
using Supervision.Server.Configuration;
using Supervision.Server.Models;
using Supervision.Server.OpenApi;

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
            return Results.Json(new ModelsBody(models.InService(), results), statusCode: failed ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
        }).AuditEveryCall()
            .WithTags("Admin")
            .WithSummary("Reload risk models")
            .WithDescription("Reads every sector's model from Supervision:ModelsDirectory; a model that fails to load leaves the one in service (422 then, naming it).")
            .Produces<ModelsBody>()
            .Produces<ModelsBody>(StatusCodes.Status422UnprocessableEntity);
        admin.MapGet("/models", (SectorModels models) => Results.Ok(new ModelsBody(models.InService())))
            .WithTags("Admin")
            .WithSummary("Models in service")
            .WithDescription("One sector@version per sector with a model.")
            .Produces<ModelsBody>()
            .WithResponseExample(200, """{"inService":["food@4","drug@2","agri@2","equipment@4"]}""");
        return app;
    }
}

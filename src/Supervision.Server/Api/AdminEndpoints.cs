using Supervision.Domain.Reports;
using Supervision.Scoring.Models;
using Supervision.Server.Api.Bodies;
using Supervision.Server.Auditing;
using Supervision.Server.Authorization;
using Supervision.Server.Configuration;
using Supervision.Server.Models;
using Supervision.Server.OpenApi;
using Supervision.Server.Pipeline;
using Supervision.Server.Rules;
using Supervision.Streaming.Rules;

namespace Supervision.Server.Api;

/// <summary>
/// Operator endpoints, admin only: models (<c>POST /api/v1/admin/models/reload</c>, <c>GET /api/v1/admin/models</c>),
/// rules (<c>POST /api/v1/admin/rules/reload</c>, <c>GET /api/v1/admin/rules</c>) and the engine's state
/// (<c>GET /api/v1/admin/engine</c>).
/// </summary>
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
        admin.MapPost("/rules/reload", (RuleSetSource rules) =>
        {
            var result = rules.Reload();
            return Results.Json(result, statusCode: result.Status == "failed" ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
        }).AuditEveryCall()
            .WithTags("Admin")
            .WithSummary("Reload rule options and data")
            .WithDescription("Reads Supervision:Rules, the rules file and every data file again. A new version goes into force in order with the engine's input, keeping state; a bad option or file answers 422 naming the key, file and line, and the rule set in force stays.")
            .Produces<RuleReload>()
            .Produces<RuleReload>(StatusCodes.Status422UnprocessableEntity)
            .WithResponseExample(200, """{"status":"loaded","version":"rules@3f2a9c01","error":null}""");
        admin.MapGet("/rules", (RuleSetSource rules, EngineLoop loop) => Results.Ok(new RulesBody(
            rules.Current.Version,
            rules.LoadedAt,
            rules.LastError,
            rules.RulesFile,
            [.. RuleSet.DataFiles(rules.Current.Options)],
            new DisorderBody(loop.Engine.Disorder.Name, loop.Engine.Disorder.Lateness),
            [.. loop.Engine.Rules.Select(r => new RuleBody(r.Name, r.Ids, [.. r.Kinds.Select(k => k.Name())], r is ITimedRule))])))
            .WithTags("Admin")
            .WithSummary("Rules in force")
            .WithDescription("The rule set's version, when it went into force, the last reload error, the files watched, the disorder policy and every rule with its ids and the kinds it reads.")
            .Produces<RulesBody>();
        admin.MapGet("/engine", (EngineLoop loop, SnapshotStore snapshots) =>
        {
            // Read while the loop runs: figures are a moment's view, not a transaction.
            var engine = loop.Engine;
            return Results.Ok(new EngineBody(
                new EngineClockBody(Time(engine.Clock.Processing), Time(engine.Clock.EventNow), TimeSpan.FromTicks(engine.Clock.Uptime)),
                engine.StateSizes().ToDictionary(s => s.State, s => s.Entries),
                Enum.GetValues<ReportKind>().ToDictionary(k => k.Name(), k => engine.Counters.LateReports(k)),
                snapshots.Latest is { } latest ? new SnapshotBody(latest.Position.ToString(), latest.Bytes, latest.At) : null));
        })
            .WithTags("Admin")
            .WithSummary("Engine state")
            .WithDescription("The engine's clocks, how much state it holds by kind (enterprises, open alerts, subjects per report kind, rule entries), reports later than the disorder policy allows per kind, and the newest snapshot.")
            .Produces<EngineBody>();
        return app;
    }

    private static DateTimeOffset? Time(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
}

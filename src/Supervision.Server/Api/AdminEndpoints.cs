using Supervision.Domain.Reports;
using Supervision.Scoring.Models;
using Supervision.Server.Auditing;
using Supervision.Server.Authorization;
using Supervision.Server.Configuration;
using Supervision.Server.Models;
using Supervision.Server.Pipeline;
using Supervision.Server.Rules;
using Supervision.Streaming.Pipeline;
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
            return Results.Json(new { inService = models.InService(), sectors = results }, statusCode: failed ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
        }).AuditEveryCall();
        admin.MapGet("/models", (SectorModels models) => Results.Ok(new { inService = models.InService() }));
        admin.MapPost("/rules/reload", (RuleSetSource rules) =>
        {
            var result = rules.Reload();
            return Results.Json(result, statusCode: result.Status == "failed" ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status200OK);
        }).AuditEveryCall();
        admin.MapGet("/rules", (RuleSetSource rules, EngineLoop loop) => Results.Ok(new
        {
            version = rules.Current.Version,
            loadedAt = rules.LoadedAt,
            lastError = rules.LastError,
            rulesFile = rules.RulesFile,
            dataFiles = RuleSet.DataFiles(rules.Current.Options),
            disorderPolicy = new { name = loop.Engine.Disorder.Name, lateness = loop.Engine.Disorder.Lateness },
            rules = loop.Engine.Rules.Select(r => new { name = r.Name, ids = r.Ids, kinds = r.Kinds.Select(k => k.Name()), timed = r is ITimedRule }),
        }));
        admin.MapGet("/engine", (EngineLoop loop, SnapshotStore snapshots) =>
        {
            // Read while the loop runs: figures are a moment's view, not a transaction.
            var engine = loop.Engine;
            return Results.Ok(new
            {
                clock = new { processing = Time(engine.Clock.Processing), eventNow = Time(engine.Clock.EventNow), uptime = TimeSpan.FromTicks(engine.Clock.Uptime) },
                state = engine.StateSizes().ToDictionary(s => s.State, s => s.Entries),
                lateReports = Enum.GetValues<ReportKind>().ToDictionary(k => k.Name(), k => engine.Counters.LateReports(k)),
                snapshot = snapshots.Latest is { } latest ? new { position = latest.Position.ToString(), bytes = latest.Bytes, at = latest.At } : null,
            });
        });
        return app;
    }

    private static DateTimeOffset? Time(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
}

using Supervision.Server.Analysts;
using Supervision.Server.Pipeline;
using Supervision.Storage.History;
using Supervision.Storage.Writing;
using Supervision.Storage.Protection;
using Supervision.Storage.Queries;

namespace Supervision.Server.Api;

/// <summary>Analyst reads and health: <c>GET /api/v1/alerts</c>, <c>GET /healthz</c>.</summary>
public static class QueryEndpoints
{
    private const int MaxLimit = 10_000;

    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/alerts", GetAlertsAsync);
        app.MapGet("/healthz", (PipelineHost pipeline, HistoryWriter writer) => pipeline.Failure is { } failure
            ? Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: failure)
            : Results.Ok(new { status = "ok", queued = pipeline.QueueLength, pendingWrites = writer.Pending }));
        return app;
    }

    private static Task<IResult> GetAlertsAsync(HttpContext http, IHistoryStore store, TimeProvider clock) =>
        AnalystResponses.RunAsync(http, (p, caller) =>
        {
            var to = p.Time("to", clock.GetUtcNow());
            var from = p.Time("from", to - TimeSpan.FromHours(24));
            var region = p.Region();
            var limit = p.Int("limit", 100, 1, MaxLimit);
            if (p.Errors.Count == 0 && from > to)
            {
                p.Errors["from"] = ["must not be after 'to'"];
            }
            return async c =>
            {
                var alerts = await store.QueryAlertsAsync(new AlertQuery(from, to, region, limit), c);
                return caller.IsPrivileged ? alerts : [.. alerts.Select(a => a with { Summary = PersonalData.MaskText(a.Summary) })];
            };
        }, ArrowResults.Alerts, rows => rows);
}

using Supervision.Server.Alerts;
using Supervision.Server.Analysts;
using Supervision.Server.Auditing;
using Supervision.Server.Authorization;
using Supervision.Server.Pipeline;
using Supervision.Storage.History;
using Supervision.Storage.Writing;
using Supervision.Storage.Queries;

namespace Supervision.Server.Api;

/// <summary>Alerts and health: <c>GET /api/v1/alerts</c>, <c>POST /api/v1/alerts/{id}/acknowledge</c>, <c>GET /healthz</c>.</summary>
public static class QueryEndpoints
{
    private const int MaxLimit = 10_000;

    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/v1/alerts");
        alerts.MapGet("", GetAlertsAsync).RequireAuthorization(Policies.ReadAlerts).RequireRegionInScope();
        alerts.MapPost("/{alertId}/acknowledge", AcknowledgeAsync)
            .RequireAuthorization(Policies.WorkAlerts)
            .RequireObjectInScope<AlertDirectory>("alertId")
            .AuditEveryCall();
        app.MapGet("/healthz", (PipelineHost pipeline, HistoryWriter writer) => pipeline.Failure is { } failure
            ? Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: failure)
            : Results.Ok(new { status = "ok", queued = pipeline.QueueLength, pendingWrites = writer.Pending })).AllowAnonymous();
        return app;
    }

    // An inspector takes an open alert in hand.
    private static async Task<IResult> AcknowledgeAsync(string alertId, HttpContext http, CallerScope caller, PipelineHost pipeline)
    {
        if (!AlertDirectory.IsAlertId(alertId))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["alertId"] = [$"'{alertId}' is not an alert id (al- and 16 hexadecimal digits)"] });
        }
        if (pipeline.Failure is { } failure)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: failure);
        }
        var alert = await pipeline.AcknowledgeAsync(alertId, http.RequestAborted);
        return alert is null ? AlertDirectory.NoOpenAlert(alertId) : Results.Ok(AlertPrivacy.For(alert, caller.Masked));
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
                var query = new AlertQuery(from, to, caller.Region(region), limit) { EnterpriseId = caller.Enterprise, Sectors = caller.Sectors };
                var alerts = await store.QueryAlertsAsync(query, c);
                return caller.Masked ? [.. alerts.Select(AlertPrivacy.Mask)] : alerts;
            };
        }, ArrowResults.Alerts, rows => rows);
}

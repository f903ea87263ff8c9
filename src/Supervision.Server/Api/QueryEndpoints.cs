using Supervision.Server.Analysts;
using Supervision.Server.Pipeline;
using Supervision.Storage.History;
using Supervision.Storage.Writing;
using Supervision.Storage.Protection;
using Supervision.Storage.Queries;

namespace Supervision.Server.Api;

/// <summary>Alerts and health: <c>GET /api/v1/alerts</c>, <c>POST /api/v1/alerts/{id}/acknowledge</c>, <c>GET /healthz</c>.</summary>
public static class QueryEndpoints
{
    private const int MaxLimit = 10_000;

    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/alerts", GetAlertsAsync);
        app.MapPost("/api/v1/alerts/{alertId}/acknowledge", AcknowledgeAsync);
        app.MapGet("/healthz", (PipelineHost pipeline, HistoryWriter writer) => pipeline.Failure is { } failure
            ? Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: failure)
            : Results.Ok(new { status = "ok", queued = pipeline.QueueLength, pendingWrites = writer.Pending }));
        return app;
    }

    // An inspector takes an open alert in hand. Staff only (any configured X-Analyst-Key); recorded in the audit trail.
    private static async Task<IResult> AcknowledgeAsync(string alertId, HttpContext http, PipelineHost pipeline, EngineInbox inbox, AnalystAccess access, HistoryWriter writer, TimeProvider clock)
    {
        var caller = access.Identify(http.Request);
        if (caller is null)
        {
            return AnalystResponses.UnknownKey();
        }
        if (caller.Role == AnalystCaller.Public)
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Staff key needed",
                detail: $"acknowledging an alert needs an {AnalystAccess.Header} (role analyst or supervisor)");
        }
        if (!IsAlertId(alertId))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["alertId"] = [$"'{alertId}' is not an alert id (al- and 16 hexadecimal digits)"] });
        }
        if (pipeline.Failure is { } failure)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: failure);
        }
        var alert = await inbox.AcknowledgeAsync(alertId, caller.Name, clock.GetUtcNow(), http.RequestAborted);
        if (alert is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No open alert",
                detail: $"no open alert has the id {alertId}: it is unknown or already resolved");
        }
        await writer.EnqueueAuditAsync([new AuditRecord(clock.GetUtcNow(), caller.Name, caller.Role, $"POST {http.Request.Path}", 1, false)], http.RequestAborted);
        return Results.Ok(caller.IsPrivileged ? alert : alert with { Summary = PersonalData.MaskText(alert.Summary) });
    }

    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static bool IsAlertId(string id) =>
        id.Length == 19 && id.StartsWith("al-", StringComparison.Ordinal) && !id.AsSpan(3).ContainsAnyExcept(LowerHex);

    private static Task<IResult> GetAlertsAsync(HttpContext http, IHistoryQueries store, TimeProvider clock) =>
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

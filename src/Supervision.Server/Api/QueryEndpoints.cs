using Supervision.Domain.Alerts;
using Supervision.Server.Analysts;
using Supervision.Server.Api.Bodies;
using Supervision.Server.OpenApi;
using Supervision.Server.Pipeline;
using Supervision.Storage.History;
using Supervision.Storage.Protection;
using Supervision.Storage.Queries;
using Supervision.Storage.Writing;

namespace Supervision.Server.Api;

/// <summary>Alerts and health: <c>GET /api/v1/alerts</c>, <c>POST /api/v1/alerts/{id}/acknowledge</c>, <c>GET /healthz</c>.</summary>
public static class QueryEndpoints
{
    private const int MaxLimit = 10_000;

    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/alerts", GetAlertsAsync)
            .WithTags("Alerts")
            .WithSummary("Alerts, latest state")
            .WithDescription("Alerts last changed in the period (default: the last 24 hours), newest first; summaries masked for the public and analysts. JSON, or Arrow IPC with 'Accept: application/vnd.apache.arrow.stream'.")
            .Produces<IReadOnlyList<Alert>>()
            .ProducesArrow()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithKey(EndpointDocs.AnalystKey)
            .WithQuery(
                new EndpointDocs.Query("from", "start of the period, ISO 8601 with offset (default: 24 hours before 'to')", "2026-11-26T09:00:00+08:00", "date-time"),
                new EndpointDocs.Query("to", "end of the period (default: now)", "2026-11-27T09:00:00+08:00", "date-time"),
                new EndpointDocs.Query("region", "GB/T 2260 division prefix: 2, 4 or 6 digits", "3501"),
                new EndpointDocs.Query("limit", $"alerts at most, 1 to {MaxLimit} (default 100)", "100", "int32"));
        app.MapPost("/api/v1/alerts/{alertId}/acknowledge", AcknowledgeAsync)
            .WithTags("Alerts")
            .WithSummary("Acknowledge an alert")
            .WithDescription("An inspector takes an open alert in hand; every hub subscriber gets the acknowledged alert. Staff keys only (403 for the public); recorded in the audit trail.")
            .Produces<Alert>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithKey(EndpointDocs.AnalystKey);
        app.MapGet("/healthz", (PipelineHost pipeline, HistoryWriter writer) => pipeline.Failure is { } failure
            ? Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: failure)
            : Results.Ok(new HealthBody("ok", pipeline.QueueLength, writer.Pending)))
            .WithTags("Operations")
            .WithSummary("Ready to ingest")
            .WithDescription("200 once the pipeline and store are ready, with the batches and writes waiting; 503 with why not. /healthz/ready gives each check.")
            .Produces<HealthBody>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithResponseExample(200, """{"status":"ok","queued":0,"pendingWrites":0}""");
        return app;
    }

    // An inspector takes an open alert in hand. Staff only (any configured X-Analyst-Key); recorded in the audit trail.
    private static async Task<IResult> AcknowledgeAsync(string alertId, HttpContext http, PipelineHost pipeline, AnalystAccess access, HistoryWriter writer, TimeProvider clock)
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
        var alert = await pipeline.AcknowledgeAsync(alertId, http.RequestAborted);
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

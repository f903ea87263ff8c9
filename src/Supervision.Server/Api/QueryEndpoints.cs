using Supervision.Domain.Alerts;
using Supervision.Server.Alerts;
using Supervision.Server.Analysts;
using Supervision.Server.Api.Bodies;
using Supervision.Server.Auditing;
using Supervision.Server.Authorization;
using Supervision.Server.OpenApi;
using Supervision.Server.Pipeline;
using Supervision.Storage.History;
using Supervision.Storage.Queries;
using Supervision.Storage.Writing;

namespace Supervision.Server.Api;

/// <summary>Alerts and health: <c>GET /api/v1/alerts</c>, <c>POST /api/v1/alerts/{id}/acknowledge</c>, <c>GET /healthz</c>.</summary>
public static class QueryEndpoints
{
    private const int MaxLimit = 10_000;

    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder app)
    {
        var alerts = app.MapGroup("/api/v1/alerts");
        alerts.MapGet("", GetAlertsAsync).RequireAuthorization(Policies.ReadAlerts).RequireRegionInScope()
            .WithTags("Alerts")
            .WithSummary("Alerts, latest state")
            .WithDescription("Alerts last changed in the period (default: the last 24 hours) within the caller's jurisdiction, newest first; personal data masked for roles that may not see it. JSON, or Arrow IPC with 'Accept: application/vnd.apache.arrow.stream'.")
            .Produces<IReadOnlyList<Alert>>()
            .ProducesArrow()
            .ProducesValidationProblem()
            .WithQuery(
                new EndpointDocs.Query("from", "start of the period, ISO 8601 with offset (default: 24 hours before 'to')", "2026-11-26T09:00:00+08:00", "date-time"),
                new EndpointDocs.Query("to", "end of the period (default: now)", "2026-11-27T09:00:00+08:00", "date-time"),
                new EndpointDocs.Query("region", "GB/T 2260 division prefix: 2, 4 or 6 digits, inside the caller's jurisdiction", "3501"),
                new EndpointDocs.Query("limit", $"alerts at most, 1 to {MaxLimit} (default 100)", "100", "int32"));
        alerts.MapPost("/{alertId}/acknowledge", AcknowledgeAsync)
            .RequireAuthorization(Policies.WorkAlerts)
            .RequireObjectInScope<AlertDirectory>("alertId")
            .AuditEveryCall()
            .WithTags("Alerts")
            .WithSummary("Acknowledge an alert")
            .WithDescription("An inspector takes an open alert in hand; every hub subscriber gets the acknowledged alert. Recorded in the audit trail.")
            .Produces<Alert>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/healthz", (PipelineHost pipeline, HistoryWriter writer) => pipeline.Failure is { } failure
            ? Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: failure)
            : Results.Ok(new HealthBody("ok", pipeline.QueueLength, writer.Pending))).AllowAnonymous()
            .WithTags("Operations")
            .WithSummary("Ready to ingest")
            .WithDescription("200 once the pipeline and store are ready, with the batches and writes waiting; 503 with why not. /healthz/ready gives each check.")
            .Produces<HealthBody>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithResponseExample(200, """{"status":"ok","queued":0,"pendingWrites":0}""");
        return app;
    }

    // An inspector takes an open alert in hand.
    private static async Task<IResult> AcknowledgeAsync(string alertId, HttpContext http, CallerScope caller, PipelineHost pipeline, EngineInbox inbox, TimeProvider clock)
    {
        if (!AlertDirectory.IsAlertId(alertId))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["alertId"] = [$"'{alertId}' is not an alert id (al- and 16 hexadecimal digits)"] });
        }
        if (pipeline.Failure is { } failure)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: failure);
        }
        var alert = await inbox.AcknowledgeAsync(alertId, caller.Name, clock.GetUtcNow(), http.RequestAborted);
        return alert is null ? AlertDirectory.NoOpenAlert(alertId) : Results.Ok(AlertPrivacy.For(alert, caller.Masked));
    }

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
                var query = new AlertQuery(from, to, caller.Region(region), limit) { EnterpriseId = caller.Enterprise, Sectors = caller.Sectors };
                var alerts = await store.QueryAlertsAsync(query, c);
                return caller.Masked ? [.. alerts.Select(AlertPrivacy.Mask)] : alerts;
            };
        }, ArrowResults.Alerts, rows => rows);
}

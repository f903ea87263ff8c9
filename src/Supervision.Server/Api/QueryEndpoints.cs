using System.Globalization;
using Supervision.Domain.Identifiers;
using Supervision.Server.Pipeline;
using Supervision.Storage.History;
using Supervision.Storage.Writing;

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

    private static async Task<IResult> GetAlertsAsync(HttpRequest request, IHistoryStore store, TimeProvider clock, CancellationToken cancellation)
    {
        var errors = new Dictionary<string, string[]>();
        var now = clock.GetUtcNow();
        var to = ParseTime(request, "to", now, errors);
        var from = ParseTime(request, "from", to - TimeSpan.FromHours(24), errors);
        var region = request.Query["region"].ToString();
        if (RegionCode.ValidateJurisdiction(region) is { } regionError)
        {
            errors["region"] = [$"'{region}' {regionError}"];
        }
        var limit = 100;
        var limitText = request.Query["limit"].ToString();
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"'{limitText}' must be a whole number from 1 to {MaxLimit}"];
        }
        if (errors.Count == 0 && from > to)
        {
            errors["from"] = ["must not be after 'to'"];
        }
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "Invalid query parameters");
        }
        var alerts = await store.QueryAlertsAsync(new AlertQuery(from, to, region, limit), cancellation);
        return Results.Ok(alerts);
    }

    private static DateTimeOffset ParseTime(HttpRequest request, string name, DateTimeOffset fallback, Dictionary<string, string[]> errors)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }
        errors[name] = [$"'{text}' is not an ISO 8601 date and time"];
        return fallback;
    }
}

using Microsoft.Net.Http.Headers;
using Supervision.Server.Auditing;
using Supervision.Server.Authorization;
using Supervision.Storage.Queries;

namespace Supervision.Server.Analysts;

/// <summary>
/// The common path of every analyst query: validate parameters (400 naming each), run the query the plan narrowed to
/// the caller's scope, answer in JSON or Arrow IPC by <c>Accept</c>, and record the query in the audit trail (who,
/// when, what, how many rows, whether masked, and an agency's purpose). Who may call is the route group's policy.
/// </summary>
public static class AnalystResponses
{
    public const string ArrowMediaType = "application/vnd.apache.arrow.stream";

    /// <summary>Runs one analyst query.</summary>
    /// <param name="http">The request.</param>
    /// <param name="plan">Reads parameters and returns the query to run (narrowed and masked for the caller), or null.</param>
    /// <param name="arrow">The Arrow layout of a row.</param>
    /// <param name="json">The JSON body for the rows.</param>
    public static async Task<IResult> RunAsync<T>(
        HttpContext http,
        Func<QueryParameters, CallerScope, Func<CancellationToken, Task<IReadOnlyList<T>>>> plan,
        ArrowTable<T> arrow,
        Func<IReadOnlyList<T>, object> json)
    {
        var caller = CallerScope.From(http.User);
        var parameters = new QueryParameters(http.Request);
        var query = plan(parameters, caller);
        if (!parameters.IsValid)
        {
            return parameters.Problem();
        }
        var rows = await query(http.RequestAborted);
        await http.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(caller, http.Request.Path + http.Request.QueryString, rows.Count, CancellationToken.None);
        if (WantsArrow(http.Request))
        {
            http.Response.ContentType = ArrowMediaType;
            await arrow.WriteAsync(http.Response.Body, rows, http.RequestAborted);
            return Results.Empty;
        }
        return Results.Json(json(rows), statusCode: StatusCodes.Status200OK);
    }

    /// <summary>A page of items and where the next one starts (null on the last page).</summary>
    public static object Page<T>(IReadOnlyList<T> items, int offset, int limit) =>
        new { items, offset, limit, nextOffset = items.Count == limit ? offset + limit : (int?)null };

    private static bool WantsArrow(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(ArrowMediaType, StringComparison.OrdinalIgnoreCase));
}

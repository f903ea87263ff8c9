using Microsoft.Net.Http.Headers;
using Supervision.Server.Api.Bodies;
using Supervision.Storage.Queries;
using Supervision.Storage.Writing;

namespace Supervision.Server.Analysts;

/// <summary>
/// The common path of every analyst query: identify the caller (401 for an unknown key, 403 where a privilege
/// is needed), validate parameters (400 naming each), run, answer in JSON or Arrow IPC by <c>Accept</c>, and
/// record the query in the audit trail (who, when, what, how many rows, whether masked).
/// </summary>
public static class AnalystResponses
{
    public const string ArrowMediaType = "application/vnd.apache.arrow.stream";

    /// <summary>Runs one analyst query.</summary>
    /// <param name="http">The request.</param>
    /// <param name="plan">Reads parameters and returns the query to run (with masking applied for the caller), or null.</param>
    /// <param name="arrow">The Arrow layout of a row.</param>
    /// <param name="json">The JSON body for the rows.</param>
    /// <param name="privilegedOnly">Only supervisors may run it.</param>
    public static async Task<IResult> RunAsync<T>(
        HttpContext http,
        Func<QueryParameters, AnalystCaller, Func<CancellationToken, Task<IReadOnlyList<T>>>> plan,
        ArrowTable<T> arrow,
        Func<IReadOnlyList<T>, object> json,
        bool privilegedOnly = false)
    {
        var services = http.RequestServices;
        var caller = services.GetRequiredService<AnalystAccess>().Identify(http.Request);
        if (caller is null)
        {
            return UnknownKey();
        }
        if (privilegedOnly && !caller.IsPrivileged)
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Supervisor role needed",
                detail: $"this query needs an {AnalystAccess.Header} with role 'supervisor'; you are '{caller.Name}' ({caller.Role})");
        }
        var parameters = new QueryParameters(http.Request);
        var query = plan(parameters, caller);
        if (!parameters.IsValid)
        {
            return parameters.Problem();
        }
        var rows = await query(http.RequestAborted);
        var clock = services.GetRequiredService<TimeProvider>();
        await services.GetRequiredService<HistoryWriter>().EnqueueAuditAsync(
            [new AuditRecord(clock.GetUtcNow(), caller.Name, caller.Role, http.Request.Path + http.Request.QueryString, rows.Count, !caller.IsPrivileged)],
            http.RequestAborted);
        if (WantsArrow(http.Request))
        {
            http.Response.ContentType = ArrowMediaType;
            await arrow.WriteAsync(http.Response.Body, rows, http.RequestAborted);
            return Results.Empty;
        }
        return Results.Json(json(rows), statusCode: StatusCodes.Status200OK);
    }

    /// <summary>The answer to an <c>X-Analyst-Key</c> that names no configured key.</summary>
    public static IResult UnknownKey() =>
        Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unknown analyst key",
            detail: $"the {AnalystAccess.Header} header does not name a configured analyst key");

    /// <summary>A page of items and where the next one starts (null on the last page).</summary>
    public static PageBody<T> Page<T>(IReadOnlyList<T> items, int offset, int limit) =>
        new(items, offset, limit, items.Count == limit ? offset + limit : null);

    private static bool WantsArrow(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(ArrowMediaType, StringComparison.OrdinalIgnoreCase));
}

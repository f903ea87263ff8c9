namespace Supervision.Server.Authentication;

/// <summary>The one way every scheme answers 401: problem details with the reason, and <c>WWW-Authenticate: Bearer</c>.</summary>
public static class Unauthorized
{
    /// <summary>Writes the 401 answer.</summary>
    public static Task WriteAsync(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail).ExecuteAsync(http);
    }
}

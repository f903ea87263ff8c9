namespace Supervision.Server.Edge;

/// <summary>
/// HTTP methods are case-sensitive (RFC 9110 §9.1), but routing matches them ignoring case, so <c>post</c> would be
/// served as <c>POST</c>. A known method in the wrong case is answered 400 naming the right one.
/// </summary>
public sealed class MethodCaseMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    private static readonly string[] Known = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"];

    public async Task InvokeAsync(HttpContext http)
    {
        var method = http.Request.Method;
        // Kestrel hands known methods over as the interned constants, so the usual case costs a reference compare.
        if (Array.IndexOf(Known, method) < 0 && Array.Find(Known, k => string.Equals(k, method, StringComparison.OrdinalIgnoreCase)) is { } meant)
        {
            await problems.WriteProblemAsync(http, StatusCodes.Status400BadRequest, "Unknown method", $"method '{method}' is not {meant}: HTTP methods are case-sensitive");
            return;
        }
        await next(http);
    }
}

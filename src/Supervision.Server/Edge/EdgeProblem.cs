namespace Supervision.Server.Edge;

/// <summary>How the edge's middleware answers before any endpoint runs: a status and problem details naming the fault.</summary>
internal static class EdgeProblem
{
    public static ValueTask WriteProblemAsync(this IProblemDetailsService problems, HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = { Status = status, Title = title, Detail = detail } });
    }
}

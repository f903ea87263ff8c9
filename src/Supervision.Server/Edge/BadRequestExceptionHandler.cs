using Microsoft.AspNetCore.Diagnostics;

namespace Supervision.Server.Edge;

/// <summary>
/// Turns <see cref="BadHttpRequestException"/> (Kestrel's framing errors met while a handler reads the body: a chunk
/// size that is not hex or overflows, chunk data without its CRLF, a body shorter than its Content-Length; and the
/// faults <see cref="RequestBodyStream"/> reports) into problem details with the exception's own status
/// (400, 413), where the exception handler would otherwise answer 500.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }
        httpContext.Response.StatusCode = bad.StatusCode;
        // What is left of the request cannot be trusted to end where the framing says.
        httpContext.Response.Headers.Connection = "close";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Body too large" : "Malformed request",
                Detail = bad.Message,
            },
        });
    }
}

namespace Supervision.Server.Edge;

/// <summary>The HTTP edge: what the server answers to malformed framing, encodings and methods, before any endpoint.</summary>
public static class EdgeExtensions
{
    public static WebApplicationBuilder AddSupervisionEdge(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // A client's malformed request is an answer (400, 413), not a server error worth an error log each.
        builder.Services.Configure<ExceptionHandlerOptions>(o => o.SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException);
        return builder;
    }

    /// <summary>After the exception handler (so decoding errors thrown while a handler reads become problem details).</summary>
    public static IApplicationBuilder UseSupervisionEdge(this IApplicationBuilder app) =>
        app.UseMiddleware<MethodCaseMiddleware>().UseMiddleware<RequestBodyMiddleware>();
}

using Scalar.AspNetCore;

namespace Supervision.Server.OpenApi;

/// <summary>The API document at <c>/openapi/v1.json</c> and its interactive reference (Scalar) at <c>/docs</c>.</summary>
public static class OpenApiExtensions
{
    public static WebApplicationBuilder AddSupervisionOpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer<SupervisionDocumentTransformer>().AddOperationTransformer<SecurityTransformer>());
        return builder;
    }

    public static IEndpointRouteBuilder MapSupervisionDocs(this IEndpointRouteBuilder app)
    {
        // The contract is public: it describes every endpoint, and each says who may call it.
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        // Scalar's script is served from the package; fonts, telemetry and its AI agent would reach the internet.
        app.MapScalarApiReference("/docs", o => o
            .WithTitle("Supervision API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .HideDeveloperTools())
            .AllowAnonymous();
        return app;
    }
}

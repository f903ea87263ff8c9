using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Supervision.Server.OpenApi;

/// <summary>
/// The document as a whole: title and description, the security schemes in use, and the operator endpoints that
/// are not route handlers (health checks, the Prometheus scrape) and so are not described by their signatures.
/// </summary>
public sealed class SupervisionDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Supervision API";
        document.Info.Description = "Regulatory reports in, alerts and risk history out. Errors are RFC 9457 problem details; "
            + "per-record rejections of a report body name the record's index and field.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [SecurityTransformer.Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "People: an access token from POST /api/v1/auth/token (or the external OpenID Connect provider's, when one is configured), "
                    + "or a personal access token (spat_...) for scripts.",
            },
            [SecurityTransformer.ReportingKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Machines that report: the API key of an enterprise or platform (sk_..., 'supervision keys add') as 'Authorization: Bearer <key>', "
                    + "or 'X-Api-Key: <key>'. An enterprise key with a public key also needs 'X-Signature' (ECDSA P-256 over the decoded body).",
            },
        };
        document.Paths ??= [];
        document.Paths["/healthz/live"] = Get("Operations", "Liveness", "200 while the process answers; runs no check.", Health(), example: """{"status":"Healthy","checks":{}}""");
        document.Paths["/healthz/ready"] = Get("Operations", "Readiness",
            "The pipeline (store open, write-ahead log replayed, engine running) and the history store (Degraded, still 200, while writes spill to disk). 503 when unhealthy.",
            Health(), unavailable: true,
            example: """{"status":"Healthy","checks":{"pipeline":{"status":"Healthy","description":"0 batches queued"},"history-store":{"status":"Healthy","description":"0 writes pending"}}}""");
        document.Paths["/metrics"] = Get("Operations", "Prometheus metrics",
            "Ingest, engine, store, HTTP and hub figures in the Prometheus text exposition format (README 'Operating it' lists them).",
            new OpenApiSchema { Type = JsonSchemaType.String }, mediaType: "text/plain; version=0.0.4",
            example: "supervision_ingest_reports_total{format=\"ndjson\",kind=\"food.coldchain\",outcome=\"accepted\"} 50");
        return Task.CompletedTask;
    }

    private static OpenApiSchema Health() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "status", "checks" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Healthy"), JsonValue.Create("Degraded"), JsonValue.Create("Unhealthy")] },
            ["checks"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalProperties = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["status"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["description"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                    },
                },
            },
        },
    };

    private static OpenApiPathItem Get(string tag, string summary, string description, OpenApiSchema schema, string mediaType = "application/json", bool unavailable = false, string? example = null)
    {
        var responses = new OpenApiResponses
        {
            ["200"] = new OpenApiResponse
            {
                Description = "OK",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [mediaType] = new OpenApiMediaType { Schema = schema, Example = example is null ? null : mediaType == "application/json" ? JsonNode.Parse(example) : JsonValue.Create(example) },
                },
            },
        };
        if (unavailable)
        {
            responses["503"] = new OpenApiResponse { Description = "Unhealthy", Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = schema } } };
        }
        return new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new OpenApiOperation
                {
                    Summary = summary,
                    Description = description,
                    Tags = new HashSet<OpenApiTagReference> { new(tag) },
                    Responses = responses,
                },
            },
        };
    }
}

using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Supervision.Server.OpenApi;

/// <summary>
/// What the API document says about an endpoint beyond what its handler's signature shows: query parameters the
/// handler reads itself, an Arrow answer, examples. Who may call it comes from its policy (<see cref="SecurityTransformer"/>).
/// </summary>
public static class EndpointDocs
{
    /// <summary>A query parameter as the document lists it.</summary>
    public sealed record Query(string Name, string Description, string? Example = null, string Format = "", bool Required = false, params string[] Values);

    /// <summary>Query parameters the handler reads from the request itself.</summary>
    public static TBuilder WithQuery<TBuilder>(this TBuilder builder, params Query[] parameters)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var p in parameters)
            {
                var schema = new OpenApiSchema { Type = p.Format is "int32" ? JsonSchemaType.Integer : JsonSchemaType.String };
                if (p.Format.Length > 0)
                {
                    schema.Format = p.Format;
                }
                if (p.Values.Length > 0)
                {
                    schema.Enum = [.. p.Values.Select(v => (JsonNode)JsonValue.Create(v))];
                }
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = p.Name,
                    In = ParameterLocation.Query,
                    Description = p.Description,
                    Required = p.Required,
                    Schema = schema,
                    Example = p.Example is null ? null : p.Format is "int32" ? JsonValue.Create(int.Parse(p.Example, System.Globalization.CultureInfo.InvariantCulture)) : JsonValue.Create(p.Example),
                });
            }
            return Task.CompletedTask;
        });

    /// <summary>The 200 answer also comes as Arrow IPC when the request sends <c>Accept: application/vnd.apache.arrow.stream</c>.</summary>
    public static TBuilder ProducesArrow<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
            {
                response.Content ??= new Dictionary<string, OpenApiMediaType>();
                response.Content[Analysts.AnalystResponses.ArrowMediaType] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "Arrow IPC stream: one column per field of the JSON rows" },
                };
            }
            return Task.CompletedTask;
        });

    /// <summary>An example body for the <paramref name="status"/> answer in JSON.</summary>
    public static TBuilder WithResponseExample<TBuilder>(this TBuilder builder, int status, string json)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses?.TryGetValue(key, out var answer) == true && answer.Content is { } content)
            {
                foreach (var media in content.Values)
                {
                    media.Example = JsonNode.Parse(json);
                }
            }
            return Task.CompletedTask;
        });
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Supervision.Server.Authorization;

namespace Supervision.Server.OpenApi;

/// <summary>
/// Who may call each operation, read from the endpoint's own authorization metadata so the document cannot drift
/// from it: the reporting key for <see cref="Policies.Reporting"/>, a person's bearer token for the other policies
/// (named with the roles that hold them), nothing for public endpoints; and the 401 and 403 problems that follow.
/// </summary>
public sealed class SecurityTransformer : IOpenApiOperationTransformer
{
    /// <summary>People: access tokens of this server or the external provider, or personal access tokens.</summary>
    public const string Bearer = "bearer";

    /// <summary>Machines that report: API keys.</summary>
    public const string ReportingKey = "reportingKey";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (metadata.OfType<IAllowAnonymous>().Any() || policies.Count == 0)
        {
            return;
        }
        var scheme = policies.Contains(Policies.Reporting) ? ReportingKey : Bearer;
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] }];
        var who = string.Join("; ", policies.Select(p => Policies.Holders.TryGetValue(p, out var roles) ? $"{p} ({string.Join(", ", roles)})" : p));
        operation.Description = (operation.Description is { Length: > 0 } d ? d + " " : "") + "Policy: " + who + ".";
        operation.Responses ??= [];
        var problem = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
        foreach (var (status, text) in new[] { ("401", "No credentials, or ones that are not valid"), ("403", "The caller's role or jurisdiction does not allow it") })
        {
            if (!operation.Responses.ContainsKey(status))
            {
                operation.Responses[status] = new OpenApiResponse
                {
                    Description = text,
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new OpenApiMediaType { Schema = problem } },
                };
            }
        }
    }
}

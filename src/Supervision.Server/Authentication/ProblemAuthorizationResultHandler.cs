using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Supervision.Server.Authorization;

namespace Supervision.Server.Authentication;

/// <summary>Answers a refused role with 403 problem details naming the roles the endpoint needs; 401s stay with the schemes.</summary>
public sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    /// <inheritdoc/>
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Forbidden)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }
        var caller = CallerScope.From(context.User);
        var names = context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList() ?? [];
        var roles = names.SelectMany(n => Policies.Holders.GetValueOrDefault(n) ?? []).Distinct().ToList();
        var needs = roles.Count > 0 ? "one of the roles " + string.Join(", ", roles) : "a credential this endpoint accepts";
        var who = caller.Role == Identity.Access.Roles.Public ? "a reporting API key" : $"'{caller.Name}' ({caller.Role})";
        await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: $"this needs {needs}; you are {who}").ExecuteAsync(context);
    }
}

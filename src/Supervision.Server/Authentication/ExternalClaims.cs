using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Supervision.Domain.Identifiers;
using Supervision.Identity;
using Supervision.Server.Configuration;

namespace Supervision.Server.Authentication;

/// <summary>
/// Turns a validated token of the external provider into a principal with our claim names
/// (<see cref="Access.Claims"/>), reading the provider's claims named in <c>Supervision:Auth:External</c>. A token
/// without exactly one known role, or without what its role is bound to, is refused: never read as "everything".
/// </summary>
public static class ExternalClaims
{
    /// <summary>The <c>OnTokenValidated</c> event of the external scheme.</summary>
    public static Task Map(TokenValidatedContext context, ExternalProviderOptions options)
    {
        var source = context.Principal!;
        var (identity, problem) = Map(source, options, context.Scheme.Name);
        if (identity is null)
        {
            context.Fail(new TokenRefusedException("the identity provider's token cannot be used here: " + problem));
            return Task.CompletedTask;
        }
        context.Principal = new ClaimsPrincipal(identity);
        return Task.CompletedTask;
    }

    /// <summary>Our identity from the provider's claims, or the reason there is none.</summary>
    public static (ClaimsIdentity? Identity, string? Problem) Map(ClaimsPrincipal source, ExternalProviderOptions options, string scheme)
    {
        var name = source.FindFirst(options.NameClaim)?.Value;
        if (string.IsNullOrEmpty(name))
        {
            return (null, $"it has no '{options.NameClaim}' claim");
        }
        var roles = source.FindAll(options.RoleClaim).Select(c => c.Value).Where(Access.Roles.IsKnown).Distinct(StringComparer.Ordinal).ToList();
        if (roles.Count != 1)
        {
            return (null, roles.Count == 0
                ? $"its '{options.RoleClaim}' claim names none of the roles {string.Join(", ", Access.Roles.All)}"
                : $"its '{options.RoleClaim}' claim names several roles ({string.Join(", ", roles)}); a person acts in one role here");
        }
        var role = roles[0];
        var sectors = new List<Domain.Reports.Sector>();
        foreach (var claim in source.FindAll(options.SectorClaim))
        {
            if (!Domain.Reports.Sectors.TryParse(claim.Value, out var sector))
            {
                return (null, $"its '{options.SectorClaim}' claim '{claim.Value}' is not one of food, drug, agri, equipment");
            }
            sectors.Add(sector);
        }
        var account = new UserAccount
        {
            Name = name,
            Role = role,
            Jurisdiction = Access.Roles.HasJurisdiction(role) ? source.FindFirst(options.JurisdictionClaim)?.Value : null,
            Sectors = Access.Roles.HasJurisdiction(role) ? sectors.Distinct().ToList() : [],
            Enterprise = role == Access.Roles.Enterprise ? source.FindFirst(options.EnterpriseClaim)?.Value : null,
            Purpose = role == Access.Roles.Agency ? source.FindFirst(options.PurposeClaim)?.Value : null,
            PasswordHash = "-",
        };
        if (Access.Roles.HasJurisdiction(role) && account.Jurisdiction is null)
        {
            return (null, $"role {role} needs the '{options.JurisdictionClaim}' claim (a division prefix, empty for the whole country)");
        }
        if (account.Jurisdiction is not null && RegionCode.ValidateJurisdiction(account.Jurisdiction) is { } regionProblem)
        {
            return (null, $"its '{options.JurisdictionClaim}' claim '{account.Jurisdiction}' {regionProblem}");
        }
        // Names from another provider may hold characters our user names do not; only the grants are checked here.
        if ((account with { Name = "external" }).Validate() is { } problem)
        {
            return (null, problem);
        }
        return (new ClaimsIdentity(LocalTokens.Claims(account, null), scheme, Access.Claims.Subject, Access.Claims.Role), null);
    }
}

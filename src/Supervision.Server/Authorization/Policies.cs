using Microsoft.AspNetCore.Authorization;
using Supervision.Identity;
using static Supervision.Identity.Access.Roles;

namespace Supervision.Server.Authorization;

/// <summary>
/// Who may call what: every named policy and the roles that hold it, in one place. Endpoints declare one with
/// <c>.RequireAuthorization(Policies.X)</c> on their route group, hub methods with <c>[Authorize(Policy = Policies.X)]</c>;
/// handlers never check roles. Public pages declare <c>.AllowAnonymous()</c>. An endpoint that declares nothing is
/// refused to everyone (the fallback policy) and fails the authorization matrix test.
/// </summary>
/// <remarks>
/// A policy says which roles may call; the jurisdiction (which data) is the caller's <see cref="CallerScope"/>, enforced
/// by <see cref="ScopeConventions"/> on parameters and objects and by queries narrowed with the scope.
/// </remarks>
public static class Policies
{
    /// <summary>Any signed-in person (who am I, sign out).</summary>
    public const string SignedIn = "signed-in";

    /// <summary>Machines with a reporting API key (<c>POST /api/v1/reports</c>); anyone when <c>Supervision:Auth:Enabled</c> is false.</summary>
    public const string Reporting = "reporting";

    /// <summary>Read alerts, live or from history: their own enterprise's for the enterprise role.</summary>
    public const string ReadAlerts = "read-alerts";

    /// <summary>Act on alerts: acknowledge (later assign, act, close).</summary>
    public const string WorkAlerts = "work-alerts";

    /// <summary>Read an enterprise's grade, score and reasons.</summary>
    public const string ReadEnterprises = "read-enterprises";

    /// <summary>Analyst queries over history (trend, top-N, heat, statistics, timeline).</summary>
    public const string QueryRisk = "query-risk";

    /// <summary>Read the audit trail.</summary>
    public const string ReadAudit = "read-audit";

    /// <summary>Carry out the inspections drawn for oneself (the inspection cycle).</summary>
    public const string Inspect = "inspect";

    /// <summary>Oversee a jurisdiction: plans, draws, escalations, answers to objections.</summary>
    public const string Supervise = "supervise";

    /// <summary>An enterprise acting for itself (e.g. objecting to its grade).</summary>
    public const string EnterpriseSelf = "enterprise-self";

    /// <summary>Create, list and revoke one's own personal access tokens (signed in with a password, not with a token).</summary>
    public const string PersonalTokens = "personal-tokens";

    /// <summary>Users, keys, models and rules.</summary>
    public const string Admin = "admin";

    /// <summary>The roles that hold each people policy (<see cref="Reporting"/> is for machines and not listed).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Holders { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [SignedIn] = Access.Roles.All,
        [ReadAlerts] = [Inspector, Analyst, Supervisor, Agency, Enterprise],
        [WorkAlerts] = [Inspector, Supervisor],
        [ReadEnterprises] = [Inspector, Analyst, Supervisor, Agency, Enterprise],
        [QueryRisk] = [Analyst, Supervisor, Agency],
        [ReadAudit] = [Supervisor],
        [Inspect] = [Inspector],
        [Supervise] = [Supervisor],
        [EnterpriseSelf] = [Enterprise],
        [PersonalTokens] = [Analyst, Supervisor, Agency],
        [Admin] = [Access.Roles.Admin],
    };

    /// <summary>Registers every policy, and a fallback that refuses endpoints which declare none.</summary>
    public static void Add(AuthorizationOptions options, bool reportingKeysRequired)
    {
        foreach (var (name, roles) in Holders)
        {
            options.AddPolicy(name, p =>
            {
                p.AuthenticationSchemes.Add(Authentication.SupervisionSchemes.People);
                p.RequireRole(roles);
                if (name == PersonalTokens)
                {
                    // A token must not mint tokens: whoever steals one could otherwise keep access after it is revoked.
                    p.RequireAssertion(c => !c.User.HasClaim(claim => claim.Type == Access.Claims.PersonalToken));
                }
            });
        }
        options.AddPolicy(Reporting, p =>
        {
            p.AuthenticationSchemes.Add(Authentication.SupervisionSchemes.ReportingKey);
            if (reportingKeysRequired)
            {
                p.RequireAuthenticatedUser();
            }
            else
            {
                p.RequireAssertion(_ => true);
            }
        });
        options.FallbackPolicy = new AuthorizationPolicyBuilder(Authentication.SupervisionSchemes.People)
            .RequireAssertion(_ => false)
            .Build();
    }
}

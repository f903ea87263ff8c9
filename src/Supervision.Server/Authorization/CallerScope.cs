using System.Security.Claims;
using Supervision.Domain.Reports;
using Supervision.Identity;
using Supervision.Storage.Queries;

namespace Supervision.Server.Authorization;

/// <summary>
/// What the caller may see: the one service handlers ask so their queries filter by it. Bind it as a handler parameter
/// (<c>(CallerScope caller, ...) =&gt;</c>); in a hub use <see cref="From"/> on <c>Context.User</c>.
/// </summary>
/// <remarks>
/// <para>Use: a policy on the route group decides whether the caller's role may call at all; <see cref="ScopeConventions"/>
/// on the endpoint refuse a <c>region</c> or <c>sector</c> outside the scope (403) and answer 404 for an object outside
/// it; the handler then narrows what it reads with <see cref="Narrow(Scope)"/>, <see cref="Region"/> and
/// <see cref="Sectors"/> (so a query without <c>region</c> covers the caller's jurisdiction, not the country), and masks
/// what it returns when <see cref="Masked"/>.</para>
/// <para>Fail closed: a caller with neither a jurisdiction nor an enterprise covers nothing.</para>
/// </remarks>
public sealed record CallerScope
{
    /// <summary>The user name (the personal access token's owner for a token), or <c>anonymous</c>.</summary>
    public required string Name { get; init; }

    /// <summary>One of <see cref="Access.Roles"/>; <see cref="Access.Roles.Public"/> without a token.</summary>
    public required string Role { get; init; }

    /// <summary>The division prefix the caller may see; empty for the whole country; null for no jurisdiction at all.</summary>
    public string? Jurisdiction { get; init; }

    /// <summary>The sectors the caller may see; empty for every sector.</summary>
    public IReadOnlyList<Sector> Sectors { get; init; } = [];

    /// <summary>For the enterprise role: the one enterprise whose data the caller sees.</summary>
    public string? Enterprise { get; init; }

    /// <summary>For the agency role: the declared purpose the audit trail records with every read.</summary>
    public string? Purpose { get; init; }

    /// <summary>True unless the role sees personal information (only supervisors do).</summary>
    public bool Masked => !Access.Roles.SeesPersonalData(Role);

    /// <summary>True when every read of this caller goes to the audit trail (partner agencies).</summary>
    public bool ReadsAudited => Role == Access.Roles.Agency;

    /// <summary>The anonymous caller.</summary>
    public static CallerScope Anonymous { get; } = new() { Name = "anonymous", Role = Access.Roles.Public };

    /// <summary>The scope of <paramref name="user"/>, read from the claims of <see cref="Access.Claims"/>.</summary>
    public static CallerScope From(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true || user.FindFirst(Access.Claims.Role)?.Value is not { } role)
        {
            return Anonymous;
        }
        var sectors = new List<Sector>();
        foreach (var claim in user.FindAll(Access.Claims.Sector))
        {
            if (Domain.Reports.Sectors.TryParse(claim.Value, out var sector))
            {
                sectors.Add(sector);
            }
        }
        return new CallerScope
        {
            Name = user.FindFirst(Access.Claims.Subject)?.Value ?? "unknown",
            Role = role,
            Jurisdiction = user.FindFirst(Access.Claims.Jurisdiction)?.Value,
            Sectors = sectors,
            Enterprise = user.FindFirst(Access.Claims.Enterprise)?.Value,
            Purpose = user.FindFirst(Access.Claims.Purpose)?.Value,
        };
    }

    /// <summary>The scope an account of the user store grants.</summary>
    public static CallerScope Of(UserAccount user) => new()
    {
        Name = user.Name, Role = user.Role, Jurisdiction = user.Jurisdiction, Sectors = user.Sectors, Enterprise = user.Enterprise, Purpose = user.Purpose,
    };

    /// <summary>Minimal API binding: a handler parameter of this type is the caller's scope.</summary>
    public static ValueTask<CallerScope?> BindAsync(HttpContext context) => ValueTask.FromResult<CallerScope?>(From(context.User));

    /// <summary>
    /// True when <paramref name="region"/> (a division code or prefix) lies inside the jurisdiction. A prefix wider than
    /// the jurisdiction (<c>35</c> for a <c>3501</c> inspector) is outside: it asks about more than the caller may see.
    /// </summary>
    public bool CoversRegion(string region) => Jurisdiction is not null && region.StartsWith(Jurisdiction, StringComparison.Ordinal);

    /// <summary>True when the caller may see <paramref name="sector"/>.</summary>
    public bool CoversSector(Sector sector) => Jurisdiction is not null && (Sectors.Count == 0 || Sectors.Contains(sector));

    /// <summary>True when the caller may see an object at <paramref name="place"/> (an alert, an enterprise...).</summary>
    public bool Covers(ObjectPlace place) => Enterprise is not null
        ? string.Equals(place.EnterpriseId, Enterprise, StringComparison.Ordinal)
        : CoversRegion(place.Region) && (place.Sector is not { } sector || CoversSector(sector));

    /// <summary>
    /// The region prefix a query reads: the one asked for (checked by <see cref="ScopeConventions"/>), or the whole
    /// jurisdiction; empty for an enterprise, whose queries are held to its enterprise instead.
    /// </summary>
    public string Region(string requested) => requested.Length > 0 ? requested : Jurisdiction ?? (Enterprise is not null ? "" : throw NoScope());

    /// <summary>A store query's scope held to the caller's jurisdiction, sectors and enterprise.</summary>
    public Scope Narrow(Scope requested)
    {
        if (Enterprise is not null)
        {
            return new Scope(Enterprise, "", requested.Sector);
        }
        return new Scope(requested.EnterpriseId, Region(requested.RegionPrefix), requested.Sector) { Sectors = Sectors };
    }

    // A data policy let in a caller without a jurisdiction or an enterprise: a bug in the policy table, never "everything".
    private InvalidOperationException NoScope() =>
        new($"caller '{Name}' ({Role}) has neither a jurisdiction nor an enterprise, so no data is in scope; check the policy of this endpoint");
}

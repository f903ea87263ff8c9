using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;

namespace Supervision.Identity;

/// <summary>
/// A person of the built-in user store (<c>users.json</c>): name, role, what the role is bound to, and the password as
/// a slow salted hash (<see cref="Passwords"/>). The password itself is stored nowhere.
/// </summary>
public sealed record UserAccount
{
    /// <summary>The user name: 1 to 64 letters, digits, dots, dashes, underscores or @.</summary>
    public required string Name { get; init; }

    /// <summary>One of <see cref="Access.Roles.All"/>.</summary>
    public required string Role { get; init; }

    /// <summary>For inspectors, analysts, supervisors and agencies: a division prefix; empty for the whole country.</summary>
    public string? Jurisdiction { get; init; }

    /// <summary>Sectors the person is bound to; empty for every sector.</summary>
    public IReadOnlyList<Sector> Sectors { get; init; } = [];

    /// <summary>For the enterprise role: the USCC it speaks for.</summary>
    public string? Enterprise { get; init; }

    /// <summary>For the agency role: the declared purpose of its reads.</summary>
    public string? Purpose { get; init; }

    /// <summary>The password hash (<see cref="Passwords.Hash"/>).</summary>
    public required string PasswordHash { get; init; }

    /// <summary>A disabled user cannot sign in, and its sessions and tokens stop working within seconds.</summary>
    public bool Disabled { get; init; }

    /// <summary>
    /// What the account grants, as one string: a token issued before any of it changed is refused, so a changed role,
    /// jurisdiction or sector list takes effect at the next request rather than at the token's expiry.
    /// </summary>
    public string Grants() =>
        string.Join('|', Role, Jurisdiction ?? "-", string.Join(',', Sectors.Select(s => s.Name())), Enterprise ?? "-", Purpose ?? "-", Disabled ? "disabled" : "enabled");

    /// <summary>Why the account cannot be used, naming the field; null when it can.</summary>
    public string? Validate()
    {
        if (string.IsNullOrEmpty(Name) || Name.Length > 64 || !Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
        {
            return $"name '{Name}' must be 1 to 64 letters, digits, '.', '-', '_' or '@'";
        }
        if (!Access.Roles.IsKnown(Role))
        {
            return $"role '{Role}' must be one of {string.Join(", ", Access.Roles.All)}";
        }
        if (Access.Roles.HasJurisdiction(Role))
        {
            if (Jurisdiction is null)
            {
                return $"role {Role} needs a jurisdiction (a division prefix of 2, 4 or 6 digits, or empty for the whole country)";
            }
            if (RegionCode.ValidateJurisdiction(Jurisdiction) is { } problem)
            {
                return $"jurisdiction '{Jurisdiction}' {problem}";
            }
        }
        else if (Jurisdiction is not null || Sectors.Count > 0)
        {
            return $"role {Role} takes no jurisdiction or sectors";
        }
        if (Sectors.Distinct().Count() != Sectors.Count)
        {
            return "sectors must not repeat";
        }
        if (Role == Access.Roles.Enterprise)
        {
            if (Enterprise is null)
            {
                return "role enterprise needs an enterprise (USCC)";
            }
            if (EnterpriseId.Validate(Enterprise) is { } problem)
            {
                return $"enterprise '{Enterprise}' {problem}";
            }
        }
        else if (Enterprise is not null)
        {
            return $"role {Role} takes no enterprise";
        }
        if (Role == Access.Roles.Agency)
        {
            if (string.IsNullOrWhiteSpace(Purpose) || Purpose.Length > 200)
            {
                return "role agency needs a declared purpose of 1 to 200 characters";
            }
        }
        else if (Purpose is not null)
        {
            return $"role {Role} takes no purpose";
        }
        if (string.IsNullOrEmpty(PasswordHash))
        {
            return "passwordHash is missing";
        }
        return null;
    }
}

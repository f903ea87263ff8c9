using Supervision.Domain.Reports;

namespace Supervision.Server.Authentication;

/// <summary>
/// A personal access token as stored: its hash, never the token. It acts for its owner: a local owner's current
/// account decides its role and scope at every use (and a disabled owner stops it); for an owner from the external
/// provider, the grants copied at creation do.
/// </summary>
public sealed record PersonalToken
{
    /// <summary>Public id (<c>pat_</c> and 12 hex digits), for listing and revoking.</summary>
    public required string Id { get; init; }
    public required string Owner { get; init; }

    /// <summary>What the owner called it, e.g. the script that uses it.</summary>
    public required string Name { get; init; }

    /// <summary>SHA-256 of the token, lower-case hex.</summary>
    public required string Hash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>True when the owner signed in through the external provider (no local account to consult).</summary>
    public bool External { get; init; }

    public required string Role { get; init; }
    public string? Jurisdiction { get; init; }
    public IReadOnlyList<Sector> Sectors { get; init; } = [];
    public string? Enterprise { get; init; }
    public string? Purpose { get; init; }
}

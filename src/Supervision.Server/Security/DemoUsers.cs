using Supervision.Domain.Reports;
using Supervision.Identity;

namespace Supervision.Server.Security;

/// <summary>
/// People who exist only while the demo feed is on, each with the password equal to the user name, printed at start
/// like the demo keys. Well known by design: never enable the demo on a server that matters.
/// </summary>
public static class DemoUsers
{
    /// <summary>Each demo user with what it is, as printed at start.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "demo-inspector-3501 (inspector, 3501)", "demo-analyst-35 (analyst, 35)", "demo-supervisor (supervisor, whole country)",
        "demo-admin (admin)", $"demo-enterprise (enterprise {DemoKeys.EnterpriseId})",
    ];

    /// <summary>The demo users (passwords hashed at start, as for any user).</summary>
    public static IReadOnlyList<UserAccount> Create() =>
    [
        Account("demo-inspector-3501", Access.Roles.Inspector, jurisdiction: "3501"),
        Account("demo-analyst-35", Access.Roles.Analyst, jurisdiction: "35"),
        Account("demo-supervisor", Access.Roles.Supervisor, jurisdiction: ""),
        Account("demo-admin", Access.Roles.Admin),
        Account("demo-enterprise", Access.Roles.Enterprise, enterprise: DemoKeys.EnterpriseId),
    ];

    private static UserAccount Account(string name, string role, string? jurisdiction = null, string? enterprise = null) => new()
    {
        Name = name,
        Role = role,
        Jurisdiction = jurisdiction,
        Enterprise = enterprise,
        Sectors = Array.Empty<Sector>(),
        PasswordHash = Passwords.Hash(name),
    };
}

using Supervision.Domain.Reports;
using Supervision.Identity;

namespace Supervision.Server.Tests;

/// <summary>The people every test server knows (users file written before start), one password for all.</summary>
public static class TestUsers
{
    public const string Password = "test-password-0123";
    public const string Inspector3501 = "inspector-3501";
    public const string Analyst35 = "analyst-35";
    public const string Supervisor35 = "supervisor-35";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";
    public const string Enterprise = "enterprise";
    public const string Agency35Food = "agency-35-food";
    public const string EnterpriseId = "91350100M000100Y43";
    public const string AgencyPurpose = "food safety joint sampling";

    // One slow hash for the whole run: every test user has the same password.
    private static readonly Lazy<string> Hash = new(() => Passwords.Hash(Password));

    /// <summary>The accounts.</summary>
    public static IReadOnlyList<UserAccount> All =>
    [
        new() { Name = Inspector3501, Role = Access.Roles.Inspector, Jurisdiction = "3501", PasswordHash = Hash.Value },
        new() { Name = Analyst35, Role = Access.Roles.Analyst, Jurisdiction = "35", PasswordHash = Hash.Value },
        new() { Name = Supervisor35, Role = Access.Roles.Supervisor, Jurisdiction = "35", PasswordHash = Hash.Value },
        new() { Name = Supervisor, Role = Access.Roles.Supervisor, Jurisdiction = "", PasswordHash = Hash.Value },
        new() { Name = Admin, Role = Access.Roles.Admin, PasswordHash = Hash.Value },
        new() { Name = Enterprise, Role = Access.Roles.Enterprise, Enterprise = EnterpriseId, PasswordHash = Hash.Value },
        new() { Name = Agency35Food, Role = Access.Roles.Agency, Jurisdiction = "35", Sectors = [Sector.Food], Purpose = AgencyPurpose, PasswordHash = Hash.Value },
    ];

    /// <summary>Writes the users file into <paramref name="dataDirectory"/> (unless there is one) and returns its path.</summary>
    public static string WriteFile(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "users.json");
        if (!File.Exists(path))
        {
            foreach (var user in All)
            {
                UserStore.Add(path, user);
            }
        }
        return path;
    }
}

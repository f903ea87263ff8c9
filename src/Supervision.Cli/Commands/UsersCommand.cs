using Supervision.Domain.Reports;
using Supervision.Identity;

namespace Supervision.Cli.Commands;

/// <summary>
/// <c>supervision users add|list|disable|enable</c>: edits the built-in user store (the users file a running server
/// re-reads within seconds; options in <see cref="Verbs.UsersVerb"/>). Passwords are stored only as slow salted hashes.
/// </summary>
public static class UsersCommand
{
    /// <summary>A new user; <see cref="Password"/> null means one is generated and printed once.</summary>
    public sealed record AddSettings(string Name, string Role, string? Jurisdiction, string? Sectors, string? Enterprise, string? Purpose, string? Password, string File);

    public static int Add(AddSettings settings, TextWriter output)
    {
        var sectors = new List<Sector>();
        foreach (var name in (settings.Sectors ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Sectors.TryParse(name, out var sector))
            {
                throw new UsageException($"--sectors: '{name}' is not one of food, drug, agri, equipment");
            }
            sectors.Add(sector);
        }
        if (settings.Password is { Length: < Passwords.MinimumLength })
        {
            throw new UsageException($"the password must be at least {Passwords.MinimumLength} characters");
        }
        var password = settings.Password ?? Passwords.Generate();
        var account = new UserAccount
        {
            Name = settings.Name,
            Role = settings.Role,
            // "all" reads better on a command line than an empty argument.
            Jurisdiction = settings.Jurisdiction is "all" ? "" : settings.Jurisdiction,
            Sectors = sectors,
            Enterprise = settings.Enterprise,
            Purpose = settings.Purpose,
            PasswordHash = "-",
        };
        if (account.Validate() is { } problem)
        {
            throw new UsageException(problem);
        }
        try
        {
            UserStore.Add(settings.File, account with { PasswordHash = Passwords.Hash(password) });
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException)
        {
            throw new UsageException(e.Message);
        }
        output.WriteLine(settings.Password is null ? $"{account.Name} added; password (shown once): {password}" : $"{account.Name} added");
        return 0;
    }

    public static int List(string file, TextWriter output)
    {
        List<UserAccount> users;
        try
        {
            users = UserStore.Read(file);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException(e.Message);
        }
        output.WriteLine($"{"name",-24} {"role",-11} {"jurisdiction",-13} {"sectors",-20} {"enterprise / purpose",-30} state");
        foreach (var u in users.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase))
        {
            var jurisdiction = u.Jurisdiction is null ? "-" : u.Jurisdiction.Length == 0 ? "all" : u.Jurisdiction;
            var sectors = u.Sectors.Count == 0 ? (u.Jurisdiction is null ? "-" : "all") : string.Join(",", u.Sectors.Select(s => s.Name()));
            output.WriteLine($"{u.Name,-24} {u.Role,-11} {jurisdiction,-13} {sectors,-20} {u.Enterprise ?? u.Purpose ?? "-",-30} {(u.Disabled ? "disabled" : "enabled")}");
        }
        return 0;
    }

    /// <summary>Disables or enables <paramref name="name"/>; a running server ends a disabled user's sessions within seconds.</summary>
    public static int SetDisabled(string name, bool disabled, string file, TextWriter output)
    {
        try
        {
            UserStore.Update(file, name, u => u with { Disabled = disabled });
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException)
        {
            throw new UsageException(e.Message);
        }
        output.WriteLine($"{name} {(disabled ? "disabled" : "enabled")}");
        return 0;
    }
}

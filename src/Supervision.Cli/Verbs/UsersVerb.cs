using System.CommandLine;
using Supervision.Cli.Commands;
using Supervision.Cli.Parsing;
using Supervision.Cli.Terminal;
using Supervision.Identity;

namespace Supervision.Cli.Verbs;

/// <summary><c>supervision users</c> and its actions; the work is <see cref="UsersCommand"/>.</summary>
public static class UsersVerb
{
    private static readonly string DefaultFile = Path.Combine("data", "users.json");

    public static Command Create(CliContext cli) => new("users", "Manages the people of the built-in user store (a running server notices changes within seconds).")
    {
        Add(cli), List(cli), Toggle(cli, "disable", true), Toggle(cli, "enable", false),
    };

    private static Command Add(CliContext cli)
    {
        var name = CliOptions.Text("--name", "NAME", "user name: letters, digits, '.', '-', '_' or '@'");
        var role = CliOptions.OneOf("--role", "the role", Access.Roles.Inspector, [.. Access.Roles.All]);
        var jurisdiction = CliOptions.Text("--jurisdiction", "P", "division prefix (2, 4 or 6 digits), or 'all' for the whole country; inspectors, analysts, supervisors and agencies");
        var sectors = CliOptions.Text("--sectors", "LIST", "comma-separated sectors the user is bound to (default: all)");
        var enterprise = CliOptions.Text("--enterprise", "USCC", "the enterprise an enterprise user speaks for");
        var purpose = CliOptions.Text("--purpose", "TEXT", "an agency's declared purpose, recorded with every read");
        var stdin = CliOptions.Flag("--password-stdin", "read the password from standard input (else one is generated and printed once)");
        var file = CliOptions.Text("--file", "PATH", "users file (Supervision:Auth:UsersFile)", DefaultFile);
        var command = new Command("add", "Adds a user; the password is stored only as a slow salted hash.")
        {
            name, role, jurisdiction, sectors, enterprise, purpose, stdin, file,
        };
        command.SetAction(parsed =>
        {
            var userName = parsed.GetValue(name) ?? throw new UsageException("--name is required");
            var password = parsed.GetValue(stdin) ? Console.In.ReadLine()?.TrimEnd('\r', '\n') ?? "" : null;
            return UsersCommand.Add(new UsersCommand.AddSettings(userName, parsed.GetValue(role)!, parsed.GetValue(jurisdiction), parsed.GetValue(sectors),
                parsed.GetValue(enterprise), parsed.GetValue(purpose), password, parsed.GetValue(file)!), cli.Out);
        });
        return command;
    }

    private static Command List(CliContext cli)
    {
        var file = CliOptions.Text("--file", "PATH", "users file", DefaultFile);
        var command = new Command("list", "Lists the users: role, jurisdiction, sectors, enterprise or purpose, enabled or disabled.") { file };
        command.SetAction(parsed => UsersCommand.List(parsed.GetValue(file)!, cli.Out));
        return command;
    }

    private static Command Toggle(CliContext cli, string action, bool disabled)
    {
        var name = CliOptions.Text("--name", "NAME", "the user");
        var file = CliOptions.Text("--file", "PATH", "users file", DefaultFile);
        var command = new Command(action, disabled
            ? "Disables a user: no sign-in, and a running server ends its sessions, tokens and hub connections within seconds."
            : "Enables a disabled user again.") { name, file };
        command.SetAction(parsed => UsersCommand.SetDisabled(parsed.GetValue(name) ?? throw new UsageException("--name is required"), disabled, parsed.GetValue(file)!, cli.Out));
        return command;
    }
}

using System.CommandLine;
using Supervision.Cli.Commands;
using Supervision.Cli.Parsing;
using Supervision.Cli.Terminal;

namespace Supervision.Cli.Verbs;

/// <summary><c>supervision keys</c> and its actions; the work is <see cref="KeysCommand"/>.</summary>
public static class KeysVerb
{
    private static readonly string DefaultFile = Path.Combine("data", "keys.json");

    public static Command Create(CliContext cli) => new("keys", "Manages API keys for reporting enterprises and platforms.") { Add(cli), List(cli), Revoke(cli), Rotate(cli) };

    private static Command List(CliContext cli)
    {
        var file = CliOptions.Text("--file", "PATH", "keys file", DefaultFile);
        var command = new Command("list", "Lists the keys by id (the first 12 hex digits of the hash): what each covers, profile, signing, created, active or revoked.") { file };
        command.SetAction(parsed => KeysCommand.List(parsed.GetValue(file)!, cli.Out, cli.Clock));
        return command;
    }

    private static Command Revoke(CliContext cli)
    {
        var id = CliOptions.Text("--id", "ID", "the key's id, from 'keys list'");
        var file = CliOptions.Text("--file", "PATH", "keys file", DefaultFile);
        var command = new Command("revoke", "Revokes a key: a running server refuses it within a second.") { id, file };
        command.SetAction(parsed => KeysCommand.Revoke(parsed.GetValue(id) ?? throw new UsageException("--id is required"), parsed.GetValue(file)!, cli.Out, cli.Clock));
        return command;
    }

    private static Command Rotate(CliContext cli)
    {
        var id = CliOptions.Text("--id", "ID", "the key's id, from 'keys list'");
        var grace = CliOptions.Duration("--grace", "how long the old key keeps working, so senders can switch (default 0: not at all)", TimeSpan.Zero);
        var file = CliOptions.Text("--file", "PATH", "keys file", DefaultFile);
        var command = new Command("rotate", "Replaces a key by a new one with the same cover, profile and signing key, and prints the new key once.") { id, grace, file };
        command.SetAction(parsed => KeysCommand.Rotate(parsed.GetValue(id) ?? throw new UsageException("--id is required"), parsed.GetValue(grace), parsed.GetValue(file)!, cli.Out, cli.Clock));
        return command;
    }

    private static Command Add(CliContext cli)
    {
        var enterprise = CliOptions.Text("--enterprise", "USCC", "the one enterprise the key may report for");
        var jurisdiction = CliOptions.Text("--jurisdiction", "P", "or: a platform key for every enterprise in division prefix P (2, 4 or 6 digits)");
        var profile = CliOptions.Text("--profile", "NAME", "mapping profile applied when a request names none");
        var publicKey = CliOptions.Text("--public-key", "FILE", "ECDSA P-256 public key (PEM); bodies must then carry X-Signature");
        var file = CliOptions.Text("--file", "PATH", "keys file", DefaultFile);
        var command = new Command("add", """
            Creates an API key for reporting, appends its SHA-256 hash to the keys file the server reads
            (Supervision:Auth:KeysFile, default data/keys.json; a running server picks it up within a second)
            and prints the key. The key itself is stored nowhere: keep it.
            """)
        {
            enterprise, jurisdiction, profile, publicKey, file,
        };
        command.SetAction(parsed => KeysCommand.Add(
            new KeysCommand.Settings(parsed.GetValue(enterprise), parsed.GetValue(jurisdiction), parsed.GetValue(profile), parsed.GetValue(publicKey), parsed.GetValue(file)!),
            cli.Out, cli.Clock));
        return command;
    }
}

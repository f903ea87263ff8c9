using System.CommandLine;
using Supervision.Cli.Commands;
using Supervision.Cli.Parsing;
using Supervision.Cli.Terminal;

namespace Supervision.Cli.Verbs;

/// <summary><c>supervision keys</c> and its actions; the work is <see cref="KeysCommand"/>.</summary>
public static class KeysVerb
{
    public static Command Create(CliContext cli) => new("keys", "Manages API keys for reporting enterprises and platforms.") { Add(cli) };

    private static Command Add(CliContext cli)
    {
        var enterprise = CliOptions.Text("--enterprise", "USCC", "the one enterprise the key may report for");
        var jurisdiction = CliOptions.Text("--jurisdiction", "P", "or: a platform key for every enterprise in division prefix P (2, 4 or 6 digits)");
        var profile = CliOptions.Text("--profile", "NAME", "mapping profile applied when a request names none");
        var publicKey = CliOptions.Text("--public-key", "FILE", "ECDSA P-256 public key (PEM); bodies must then carry X-Signature");
        var file = CliOptions.Text("--file", "PATH", "keys file", Path.Combine("data", "keys.json"));
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
            cli.Out));
        return command;
    }
}

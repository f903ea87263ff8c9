using Supervision.Ingest.Security;

namespace Supervision.Cli.Commands;

/// <summary><c>supervision keys add</c>: creates an API key, stores its hash in the keys file and prints the key once.</summary>
public static class KeysCommand
{
    public const string Help = """
        usage: supervision keys add (--enterprise USCC | --jurisdiction PREFIX) [options]

        Creates an API key for reporting, appends its SHA-256 hash to the keys file the server reads
        (Supervision:Auth:KeysFile, default data/keys.json; a running server picks it up within a second)
        and prints the key. The key itself is stored nowhere: keep it.

          --enterprise USCC     the one enterprise the key may report for
          --jurisdiction P      or: a platform key for every enterprise in division prefix P (2, 4 or 6 digits)
          --profile NAME        mapping profile applied when a request names none
          --public-key FILE     ECDSA P-256 public key (PEM); bodies must then carry X-Signature
          --file PATH           keys file (default data/keys.json)
        """;

    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length == 0 || args[0] != "add")
        {
            throw new UsageException("the only keys action is 'add'; see 'supervision keys --help'");
        }
        var options = new CommandLine(args[1..]);
        var enterprise = options.String("enterprise");
        var jurisdiction = options.String("jurisdiction");
        var profile = options.String("profile");
        var publicKeyFile = options.String("public-key");
        var file = options.String("file", Path.Combine("data", "keys.json"));
        options.EnsureAllUsed();
        string? publicKey = null;
        if (publicKeyFile is not null)
        {
            if (!File.Exists(publicKeyFile))
            {
                throw new UsageException($"--public-key file '{publicKeyFile}' does not exist");
            }
            publicKey = File.ReadAllText(publicKeyFile);
        }
        var key = ApiKeyStore.NewKey();
        var entry = new ApiKeyEntry { KeyHash = ApiKeyStore.Hash(key), EnterpriseId = enterprise, Jurisdiction = jurisdiction, Profile = profile, PublicKey = publicKey };
        if (ApiKeyStore.Validate(entry) is { } problem)
        {
            throw new UsageException(problem.Replace("enterpriseId", "--enterprise", StringComparison.Ordinal).Replace("jurisdiction", "--jurisdiction", StringComparison.Ordinal).Replace("publicKey", "--public-key", StringComparison.Ordinal));
        }
        ApiKeyStore.Append(file, entry);
        output.WriteLine(key);
        return 0;
    }
}

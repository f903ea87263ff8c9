using Supervision.Ingest.Security;

namespace Supervision.Cli.Commands;

/// <summary><c>supervision keys add</c>: creates an API key, stores its hash in the keys file and prints the key once (options in <see cref="Verbs.KeysVerb"/>).</summary>
public static class KeysCommand
{
    /// <summary>The key's binding: exactly one of <see cref="Enterprise"/> and <see cref="Jurisdiction"/>.</summary>
    public sealed record Settings(string? Enterprise, string? Jurisdiction, string? Profile, string? PublicKeyFile, string File);

    public static int Add(Settings settings, TextWriter output)
    {
        var (enterprise, jurisdiction, profile, publicKeyFile, file) = settings;
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

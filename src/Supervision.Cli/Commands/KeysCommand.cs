using Supervision.Ingest.Security;

namespace Supervision.Cli.Commands;

/// <summary>
/// <c>supervision keys add|list|revoke|rotate</c>: reporting API keys in the keys file a running server re-reads within a
/// second (options in <see cref="Verbs.KeysVerb"/>). A key is printed once, at creation; the file holds its hash.
/// </summary>
public static class KeysCommand
{
    /// <summary>The key's binding: exactly one of <see cref="Enterprise"/> and <see cref="Jurisdiction"/>.</summary>
    public sealed record Settings(string? Enterprise, string? Jurisdiction, string? Profile, string? PublicKeyFile, string File);

    public static int Add(Settings settings, TextWriter output, TimeProvider clock)
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
        var entry = new ApiKeyEntry
        {
            KeyHash = ApiKeyStore.Hash(key), EnterpriseId = enterprise, Jurisdiction = jurisdiction, Profile = profile, PublicKey = publicKey, CreatedAt = clock.GetUtcNow(),
        };
        if (ApiKeyStore.Validate(entry) is { } problem)
        {
            throw new UsageException(problem.Replace("enterpriseId", "--enterprise", StringComparison.Ordinal).Replace("jurisdiction", "--jurisdiction", StringComparison.Ordinal).Replace("publicKey", "--public-key", StringComparison.Ordinal));
        }
        ApiKeyStore.Append(file, entry);
        output.WriteLine(key);
        return 0;
    }

    public static int List(string file, TextWriter output, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        output.WriteLine($"{"id",-13} {"covers",-45} {"profile",-24} {"signed",-7} {"created",-21} state");
        foreach (var key in Read(file))
        {
            var state = key.ExpiresAt is not { } expires ? "active" : expires <= now ? $"revoked {expires:u}" : $"expires {expires:u}";
            output.WriteLine($"{key.Id,-13} {key.Describe(),-45} {key.Profile ?? "-",-24} {(key.PublicKey is null ? "no" : "yes"),-7} {(key.CreatedAt is { } c ? c.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "-"),-21} {state}");
        }
        return 0;
    }

    /// <summary>Refuses key <paramref name="id"/> from now on (a running server within a second).</summary>
    public static int Revoke(string id, string file, TextWriter output, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        if (!ApiKeyStore.Update(file, id, e => e with { ExpiresAt = e.ExpiresAt is { } at && at <= now ? at : now }))
        {
            throw new UsageException($"no key with id '{id}' in {file}; 'supervision keys list' shows the ids");
        }
        output.WriteLine($"{id} revoked");
        return 0;
    }

    /// <summary>A new key with the old one's cover, profile and signing key; the old one works for <paramref name="grace"/> more.</summary>
    public static int Rotate(string id, TimeSpan grace, string file, TextWriter output, TimeProvider clock)
    {
        var old = Read(file).FirstOrDefault(e => e.Id == id) ?? throw new UsageException($"no key with id '{id}' in {file}; 'supervision keys list' shows the ids");
        var now = clock.GetUtcNow();
        if (old.ExpiresAt is { } expired && expired <= now)
        {
            throw new UsageException($"key {id} is revoked already; add a new one with 'supervision keys add'");
        }
        var key = ApiKeyStore.NewKey();
        var replacement = old with { KeyHash = ApiKeyStore.Hash(key), CreatedAt = now, ExpiresAt = null };
        ApiKeyStore.Update(file, id, e => e with { ExpiresAt = now + grace }, replacement);
        output.WriteLine(key);
        return 0;
    }

    private static IReadOnlyList<ApiKeyEntry> Read(string file)
    {
        try
        {
            return ApiKeyStore.ReadAll(file);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException(e.Message);
        }
    }
}

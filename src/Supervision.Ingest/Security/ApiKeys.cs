using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Supervision.Domain.Identifiers;

namespace Supervision.Ingest.Security;

/// <summary>
/// One API key as stored: only its SHA-256 hash. An enterprise key is bound to one USCC; a platform key (a regional
/// platform reporting for many enterprises) to a jurisdiction prefix. A key may name a default mapping profile and
/// an ECDSA P-256 public key (SubjectPublicKeyInfo PEM) whose signature every body must then carry (电子签章).
/// </summary>
public sealed record ApiKeyEntry
{
    public required string KeyHash { get; init; }
    public string? EnterpriseId { get; init; }
    public string? Jurisdiction { get; init; }
    public string? Profile { get; init; }
    public string? PublicKey { get; init; }

    /// <summary>When the key was made (keys from before this field have none).</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>From this moment the key is refused: set at once by <c>keys revoke</c>, a grace period ahead by <c>keys rotate</c>.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The key's public id: the first 12 hex digits of its hash (enough to name it, useless to use it).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Id => KeyHash.Length >= 12 ? KeyHash[..12] : KeyHash;

    /// <summary>Who the key speaks for, for messages.</summary>
    public string Describe() => EnterpriseId is not null ? $"enterprise {EnterpriseId}" : $"platform for jurisdiction '{Jurisdiction}'";

    /// <summary>True when a report of <paramref name="enterpriseId"/> in <paramref name="region"/> may be sent with this key.</summary>
    public bool Covers(EnterpriseId enterpriseId, RegionCode region) =>
        EnterpriseId is not null ? EnterpriseId == enterpriseId.Value : region.IsWithin(Jurisdiction);
}

/// <summary>
/// The keys file (<c>Supervision:Auth:KeysFile</c>): a JSON array of <see cref="ApiKeyEntry"/>. Re-read when it
/// changes on disk, so keys added with <c>supervision keys add</c> work without a restart. Demo mode adds
/// in-memory keys on top.
/// </summary>
public sealed class ApiKeyStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly string _path;
    private readonly Dictionary<string, ApiKeyEntry> _extra = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private Dictionary<string, ApiKeyEntry> _fromFile = new(StringComparer.Ordinal);
    private DateTime _loadedStamp = DateTime.MinValue;
    private readonly TimeProvider _clock;
    private long _checkedAt;

    /// <summary>A store over <paramref name="path"/>; throws <see cref="InvalidDataException"/> when the file is malformed.</summary>
    public ApiKeyStore(string path, TimeProvider clock)
    {
        _path = path;
        _clock = clock;
        Reload();
    }

    /// <summary>Hash under which a key is stored.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A new random key.</summary>
    public static string NewKey() => "sk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    /// <summary>Adds a key that lives only in memory (demo mode).</summary>
    public void AddInMemory(string key, ApiKeyEntry entry)
    {
        lock (_lock)
        {
            _extra[Hash(key)] = entry with { KeyHash = Hash(key) };
        }
    }

    /// <summary>The entry of <paramref name="key"/>, or null.</summary>
    public ApiKeyEntry? Find(string key)
    {
        var hash = Hash(key);
        lock (_lock)
        {
            var now = Environment.TickCount64;
            if (now - _checkedAt > 1000)
            {
                _checkedAt = now;
                TryReloadLocked();
            }
            var entry = _extra.GetValueOrDefault(hash) ?? _fromFile.GetValueOrDefault(hash);
            return entry?.ExpiresAt is { } expires && expires <= _clock.GetUtcNow() ? null : entry;
        }
    }

    /// <summary>Every key in the file at <paramref name="path"/> (none when it does not exist).</summary>
    public static IReadOnlyList<ApiKeyEntry> ReadAll(string path) => File.Exists(path) ? Read(path) : [];

    /// <summary>Replaces the key whose id (<see cref="ApiKeyEntry.Id"/>) is <paramref name="id"/>, and adds <paramref name="added"/> if given; false when no key has that id.</summary>
    public static bool Update(string path, string id, Func<ApiKeyEntry, ApiKeyEntry> change, ApiKeyEntry? added = null)
    {
        var entries = File.Exists(path) ? Read(path) : [];
        var index = entries.FindIndex(e => e.Id == id);
        if (index < 0)
        {
            return false;
        }
        entries[index] = change(entries[index]);
        if (added is not null)
        {
            entries.Add(added);
        }
        Write(path, entries);
        return true;
    }

    /// <summary>Appends an entry to the keys file at <paramref name="path"/> (created if missing).</summary>
    public static void Append(string path, ApiKeyEntry entry)
    {
        var entries = File.Exists(path) ? Read(path) : [];
        entries.Add(entry);
        Write(path, entries);
    }

    private static void Write(string path, List<ApiKeyEntry> entries)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(entries, Json));
        File.Move(temporary, path, overwrite: true);
    }

    private void Reload()
    {
        lock (_lock)
        {
            _fromFile = Load(_path);
            _loadedStamp = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : DateTime.MinValue;
        }
    }

    // A file broken while the server runs keeps the keys loaded before; start-up refuses a broken file.
    private void TryReloadLocked()
    {
        var stamp = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : DateTime.MinValue;
        if (stamp == _loadedStamp)
        {
            return;
        }
        try
        {
            _fromFile = Load(_path);
            _loadedStamp = stamp;
        }
        catch (InvalidDataException)
        {
        }
    }

    private static Dictionary<string, ApiKeyEntry> Load(string path)
    {
        var keys = new Dictionary<string, ApiKeyEntry>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return keys;
        }
        var entries = Read(path);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var problem = Validate(entry);
            if (problem is not null)
            {
                throw new InvalidDataException($"{path}: entry {i}: {problem}");
            }
            keys[entry.KeyHash] = entry;
        }
        return keys;
    }

    private static List<ApiKeyEntry> Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<List<ApiKeyEntry>>(File.ReadAllText(path), Json) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a JSON array of keys: {e.Message}", e);
        }
    }

    /// <summary>Why <paramref name="entry"/> cannot be used, or null.</summary>
    public static string? Validate(ApiKeyEntry entry)
    {
        if (entry.KeyHash is not { Length: 64 } || !entry.KeyHash.All(char.IsAsciiHexDigitLower))
        {
            return "keyHash must be 64 lower-case hex digits (SHA-256 of the key)";
        }
        if ((entry.EnterpriseId is null) == (entry.Jurisdiction is null))
        {
            return "give exactly one of enterpriseId and jurisdiction";
        }
        if (entry.EnterpriseId is not null && Domain.Identifiers.EnterpriseId.Validate(entry.EnterpriseId) is { } idProblem)
        {
            return "enterpriseId " + idProblem;
        }
        if (entry.Jurisdiction is not null && RegionCode.ValidateJurisdiction(entry.Jurisdiction) is { } regionProblem)
        {
            return "jurisdiction " + regionProblem;
        }
        if (entry.PublicKey is not null)
        {
            try
            {
                using var key = ECDsa.Create();
                key.ImportFromPem(entry.PublicKey);
                if (key.KeySize != 256)
                {
                    return $"publicKey must be an ECDSA P-256 key, got {key.KeySize} bits";
                }
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                return "publicKey is not an ECDSA public key in PEM: " + e.Message;
            }
        }
        return null;
    }

    /// <summary>
    /// Checks <paramref name="signature"/> (base64; IEEE P1363 r‖s or DER) over <paramref name="body"/> with the
    /// entry's public key, ECDSA P-256 with SHA-256. Returns the reason it fails, or null.
    /// </summary>
    public static string? VerifySignature(ApiKeyEntry entry, string? signature, ReadOnlySpan<byte> body)
    {
        if (entry.PublicKey is null)
        {
            return null;
        }
        if (string.IsNullOrEmpty(signature))
        {
            return "this enterprise registered a signing key: send X-Signature, the base64 ECDSA P-256 SHA-256 signature of the exact body";
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return "X-Signature is not base64";
        }
        using var key = ECDsa.Create();
        key.ImportFromPem(entry.PublicKey);
        var valid = key.VerifyData(body, bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            || key.VerifyData(body, bytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return valid ? null : "X-Signature does not verify over the body with the registered key";
    }
}

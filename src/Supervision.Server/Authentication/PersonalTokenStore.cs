using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Supervision.Identity;
using Supervision.Server.Authorization;

namespace Supervision.Server.Authentication;

/// <summary>
/// Personal access tokens for analysts' scripts, kept as hashes in a file (<c>personal-tokens.json</c> in the data
/// directory) that only the server writes. A token is <c>spat_</c> and 43 random characters; it is shown once, at
/// creation. Revoked tokens stay listed (with when) until the file is cleaned by hand.
/// </summary>
public sealed class PersonalTokenStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly string _path;
    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private readonly List<PersonalToken> _tokens;

    /// <summary>The store over <paramref name="path"/>; throws <see cref="InvalidDataException"/> when the file is malformed.</summary>
    public PersonalTokenStore(string path, TimeProvider clock)
    {
        _path = path;
        _clock = clock;
        try
        {
            _tokens = File.Exists(path) ? JsonSerializer.Deserialize<List<PersonalToken>>(File.ReadAllText(path), Json) ?? [] : [];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a JSON array of personal access tokens: {e.Message}", e);
        }
    }

    /// <summary>Creates a token acting for <paramref name="owner"/>; returns its record and the token itself (shown once).</summary>
    public (PersonalToken Record, string Token) Create(CallerScope owner, bool external, string name, TimeSpan lifetime)
    {
        var token = BearerToken.PersonalTokenPrefix + SessionStore.Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = _clock.GetUtcNow();
        var record = new PersonalToken
        {
            Id = "pat_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            Owner = owner.Name,
            Name = name,
            Hash = Hash(token),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
            External = external,
            Role = owner.Role,
            Jurisdiction = owner.Jurisdiction,
            Sectors = owner.Sectors,
            Enterprise = owner.Enterprise,
            Purpose = owner.Purpose,
        };
        lock (_lock)
        {
            _tokens.Add(record);
            SaveLocked();
        }
        return (record, token);
    }

    /// <summary>The owner's tokens, newest first.</summary>
    public IReadOnlyList<PersonalToken> Of(string owner)
    {
        lock (_lock)
        {
            return [.. _tokens.Where(t => string.Equals(t.Owner, owner, StringComparison.OrdinalIgnoreCase)).OrderByDescending(t => t.CreatedAt)];
        }
    }

    /// <summary>Revokes the owner's token <paramref name="id"/>; null when the owner has no such token (another's counts as none).</summary>
    public PersonalToken? Revoke(string owner, string id)
    {
        lock (_lock)
        {
            var index = _tokens.FindIndex(t => t.Id == id && string.Equals(t.Owner, owner, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return null;
            }
            if (_tokens[index].RevokedAt is null)
            {
                _tokens[index] = _tokens[index] with { RevokedAt = _clock.GetUtcNow() };
                SaveLocked();
            }
            return _tokens[index];
        }
    }

    /// <summary>The record of <paramref name="token"/>, or null; the caller checks revocation and expiry.</summary>
    public PersonalToken? Find(string token)
    {
        var hash = Hash(token);
        lock (_lock)
        {
            foreach (var t in _tokens)
            {
                if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(t.Hash), Encoding.ASCII.GetBytes(hash)))
                {
                    return t;
                }
            }
            return null;
        }
    }

    private void SaveLocked() => PrivateFile.Write(_path, JsonSerializer.Serialize(_tokens, Json));

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

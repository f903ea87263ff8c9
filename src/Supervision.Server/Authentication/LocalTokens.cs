using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Supervision.Identity;

namespace Supervision.Server.Authentication;

/// <summary>
/// Issues this server's access tokens: JWTs signed with ES256 by a key made at start and held only in memory, so a
/// restart ends every session (sessions live in memory too, see <see cref="SessionStore"/>). A token carries the
/// claims of <see cref="Access.Claims"/> and its session id, and lives <c>Supervision:Auth:AccessTokenLifetime</c>.
/// </summary>
public sealed class LocalTokens : IDisposable
{
    /// <summary>The <c>iss</c> of local tokens; the people scheme tells local from external tokens by it.</summary>
    public const string Issuer = "supervision";

    /// <summary>The <c>aud</c> of local tokens.</summary>
    public const string Audience = "supervision-api";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _lifetime;

    public LocalTokens(TimeProvider clock, TimeSpan lifetime)
    {
        _clock = clock;
        _lifetime = lifetime;
        SigningKey = new ECDsaSecurityKey(_key) { KeyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) };
        _credentials = new SigningCredentials(SigningKey, SecurityAlgorithms.EcdsaSha256);
    }

    /// <summary>The public half verifies tokens.</summary>
    public SecurityKey SigningKey { get; }

    /// <summary>How long a token lives.</summary>
    public TimeSpan Lifetime => _lifetime;

    /// <summary>How tokens are checked: this issuer, audience and key, ES256 only, no clock skew (issuer and checker are one process).</summary>
    public TokenValidationParameters Validation => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = SigningKey,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.Zero,
        NameClaimType = Access.Claims.Subject,
        RoleClaimType = Access.Claims.Role,
    };

    /// <summary>A new access token for <paramref name="user"/> in session <paramref name="sessionId"/>, and when it expires.</summary>
    public (string Token, DateTimeOffset Expires) Issue(UserAccount user, string sessionId)
    {
        var now = _clock.GetUtcNow();
        var expires = now + _lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Subject = new ClaimsIdentity(Claims(user, sessionId)),
            SigningCredentials = _credentials,
        });
        return (token, expires);
    }

    /// <summary>The claims a person's token carries.</summary>
    public static IEnumerable<Claim> Claims(UserAccount user, string? sessionId)
    {
        yield return new Claim(Access.Claims.Subject, user.Name);
        yield return new Claim(Access.Claims.Role, user.Role);
        if (user.Jurisdiction is not null)
        {
            yield return new Claim(Access.Claims.Jurisdiction, user.Jurisdiction);
        }
        foreach (var sector in user.Sectors)
        {
            yield return new Claim(Access.Claims.Sector, Domain.Reports.Sectors.Name(sector));
        }
        if (user.Enterprise is not null)
        {
            yield return new Claim(Access.Claims.Enterprise, user.Enterprise);
        }
        if (user.Purpose is not null)
        {
            yield return new Claim(Access.Claims.Purpose, user.Purpose);
        }
        if (sessionId is not null)
        {
            yield return new Claim(Access.Claims.Session, sessionId);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _key.Dispose();
}

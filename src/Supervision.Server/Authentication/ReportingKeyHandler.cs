using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Supervision.Ingest.Security;
using Supervision.Server.Configuration;

namespace Supervision.Server.Authentication;

/// <summary>
/// Authenticates reporting API keys (<c>Authorization: Bearer sk_...</c> or <c>X-Api-Key</c>) against the keys file.
/// The key's entry (what it covers, its signing key) is left on the request for the reports endpoint
/// (<see cref="EntryOf"/>). With <c>Supervision:Auth:Enabled</c> false no key is looked at.
/// </summary>
public sealed class ReportingKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyStore keys, SupervisionOptions supervision)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The claim that names the key (the first 12 hex digits of its hash).</summary>
    public const string KeyClaim = "reporting_key";

    /// <summary>The entry of the key that authenticated <paramref name="http"/>, or null.</summary>
    public static ApiKeyEntry? EntryOf(HttpContext http) => http.Items.TryGetValue(typeof(ApiKeyEntry), out var entry) ? entry as ApiKeyEntry : null;

    /// <inheritdoc/>
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!supervision.Auth.Enabled || Presented(Request) is not { } presented)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (keys.Find(presented) is not { } entry)
        {
            return Task.FromResult(AuthenticateResult.Fail(new TokenRefusedException("the API key is not known")));
        }
        Context.Items[typeof(ApiKeyEntry)] = entry;
        var identity = new ClaimsIdentity([new Claim(KeyClaim, entry.KeyHash[..12])], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    /// <inheritdoc/>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await Unauthorized.WriteAsync(Context, result.Failure?.Message ?? "send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'");
    }

    /// <summary>The key a request presents, or null.</summary>
    public static string? Presented(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7)
        {
            return authorization[7..].Trim();
        }
        var header = request.Headers["X-Api-Key"].ToString();
        return header.Length > 0 ? header : null;
    }
}

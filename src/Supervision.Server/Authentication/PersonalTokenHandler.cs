using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Supervision.Identity;

namespace Supervision.Server.Authentication;

/// <summary>
/// Authenticates personal access tokens (<c>Authorization: Bearer spat_...</c>). A revoked or expired token, or one
/// whose local owner is disabled or gone, is refused at once; a local owner's current account sets the role and scope.
/// </summary>
public sealed class PersonalTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    PersonalTokenStore tokens, UserStore users, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <inheritdoc/>
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (BearerToken.Of(Request) is not { } presented || !presented.StartsWith(BearerToken.PersonalTokenPrefix, StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var token = tokens.Find(presented);
        if (token is null)
        {
            return Fail("the personal access token is not known");
        }
        if (token.RevokedAt is { } revoked)
        {
            return Fail($"the personal access token {token.Id} was revoked at {revoked:u}");
        }
        if (token.ExpiresAt <= clock.GetUtcNow())
        {
            return Fail($"the personal access token {token.Id} expired at {token.ExpiresAt:u}");
        }
        IEnumerable<Claim> claims;
        if (token.External)
        {
            claims = LocalTokens.Claims(new UserAccount
            {
                Name = token.Owner, Role = token.Role, Jurisdiction = token.Jurisdiction, Sectors = token.Sectors,
                Enterprise = token.Enterprise, Purpose = token.Purpose, PasswordHash = "-",
            }, null);
        }
        else
        {
            var owner = users.Find(token.Owner);
            if (owner is null || owner.Disabled)
            {
                return Fail($"the owner of personal access token {token.Id} is disabled or no longer exists");
            }
            claims = LocalTokens.Claims(owner, null);
        }
        var identity = new ClaimsIdentity(claims.Append(new Claim(Access.Claims.PersonalToken, token.Id)), Scheme.Name, Access.Claims.Subject, Access.Claims.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    /// <inheritdoc/>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await Unauthorized.WriteAsync(Context, result.Failure?.Message ?? "a personal access token is needed");
    }

    private static Task<AuthenticateResult> Fail(string reason) => Task.FromResult(AuthenticateResult.Fail(new TokenRefusedException(reason)));
}

using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Supervision.Identity;

namespace Supervision.Server.Authentication;

/// <summary>
/// What the JWT bearer schemes do beyond validating signatures and lifetimes: take the token from <c>access_token</c>
/// on hub connections, hold a local token to its live session and its user's current account, and answer a refused
/// token with a 401 whose problem details say why.
/// </summary>
public static class BearerEvents
{
    /// <summary>SignalR clients send the token in the query string on WebSockets and server-sent events.</summary>
    public static Task TakeHubToken(MessageReceivedContext context)
    {
        if (context.Token is null && BearerToken.Of(context.Request) is { } token)
        {
            context.Token = token;
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// A local token is good only while its session lasts and its user is enabled with the grants it signed in with,
    /// so sign-out, disabling and changing a user take effect at the next request.
    /// </summary>
    public static Task CheckSession(TokenValidatedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var sessionId = context.Principal?.FindFirst(Access.Claims.Session)?.Value;
        var name = context.Principal?.FindFirst(Access.Claims.Subject)?.Value;
        var session = sessionId is null ? null : services.GetRequiredService<SessionStore>().Find(sessionId);
        if (session is null || name is null || !string.Equals(session.User, name, StringComparison.OrdinalIgnoreCase))
        {
            context.Fail(new TokenRefusedException("the session of this token has ended (signed out, expired or revoked); sign in again"));
            return Task.CompletedTask;
        }
        if (services.GetRequiredService<SessionStore>().Check(session, services.GetRequiredService<UserStore>().Find(name)) is { } refusal)
        {
            context.Fail(new TokenRefusedException(refusal));
            return Task.CompletedTask;
        }
        // A hub connection outlives its access token: it lasts as long as the session (and ends with it, see LiveConnections).
        context.Properties.ExpiresUtc = session.ExpiresAt;
        return Task.CompletedTask;
    }

    /// <summary>Answers 401 with the reason the token was refused, or how to get one.</summary>
    public static async Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var request = context.Request;
        string detail;
        if (context.AuthenticateFailure is { } failure)
        {
            detail = Reason(failure);
        }
        else if (request.Headers.ContainsKey("X-Analyst-Key"))
        {
            detail = "X-Analyst-Key is no longer accepted: analyst keys were replaced by personal access tokens; create one (POST /api/v1/auth/tokens) and send it as 'Authorization: Bearer <token>'";
        }
        else
        {
            detail = "no access token: sign in with POST /api/v1/auth/token and send 'Authorization: Bearer <access_token>'";
        }
        await Unauthorized.WriteAsync(context.HttpContext, detail);
    }

    /// <summary>The reason for a refused token, in words (never the library's internals).</summary>
    public static string Reason(Exception failure) => failure switch
    {
        TokenRefusedException refused => refused.Message,
        SecurityTokenExpiredException expired => $"the access token expired at {expired.Expires:u}; get a new one with the refresh token (POST /api/v1/auth/token, grant_type=refresh_token)",
        SecurityTokenNotYetValidException => "the access token is not valid yet",
        SecurityTokenInvalidAudienceException => "the access token is for another audience",
        SecurityTokenInvalidIssuerException => "the access token is from an issuer this server does not trust",
        SecurityTokenInvalidAlgorithmException => "the access token is signed with an algorithm this server does not accept",
        SecurityTokenSignatureKeyNotFoundException => "the access token is signed with a key this server does not know",
        SecurityTokenInvalidSignatureException e when e.Message.Contains("IDX10504", StringComparison.Ordinal) => "the access token is not signed",
        SecurityTokenInvalidSignatureException => "the access token's signature does not verify (it was changed, or signed with another key)",
        SecurityTokenMalformedException or ArgumentException => "the access token is not a well-formed JWT",
        SecurityTokenNoExpirationException => "the access token has no expiry",
        _ => "the access token is not valid",
    };
}

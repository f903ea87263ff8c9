namespace Supervision.Server.Authentication;

/// <summary>Where a request carries its credential: <c>Authorization: Bearer</c>, or <c>access_token</c> on hub connections.</summary>
public static class BearerToken
{
    /// <summary>Prefix of personal access tokens.</summary>
    public const string PersonalTokenPrefix = "spat_";

    /// <summary>The hubs' path: browsers cannot set headers on WebSockets, so SignalR clients send the token in the query string.</summary>
    public static readonly PathString HubsPath = new("/hubs");

    /// <summary>The bearer token of <paramref name="request"/>, or null.</summary>
    public static string? Of(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7)
        {
            return authorization[7..].Trim();
        }
        if (request.Path.StartsWithSegments(HubsPath) && request.Query["access_token"] is { Count: 1 } query && !string.IsNullOrEmpty(query[0]))
        {
            return query[0];
        }
        return null;
    }
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Supervision.Identity;

namespace Supervision.Server.Authentication;

/// <summary>
/// Hub connections by the credential that opened them, so ending a session, revoking a personal access token or
/// disabling a user closes that user's live connections within seconds instead of leaving them subscribed.
/// </summary>
public sealed class LiveConnections
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new(StringComparer.Ordinal);

    public LiveConnections(SessionStore sessions) => sessions.Ended += session => Abort(c => c.User?.FindFirst(Access.Claims.Session)?.Value == session.Id);

    /// <summary>Open connections.</summary>
    public int Count => _connections.Count;

    public void Add(HubCallerContext context) => _connections[context.ConnectionId] = context;

    public void Remove(HubCallerContext context) => _connections.TryRemove(context.ConnectionId, out _);

    /// <summary>Closes the connections of <paramref name="user"/>; returns how many.</summary>
    public int AbortUser(string user) =>
        Abort(c => string.Equals(c.User?.FindFirst(Access.Claims.Subject)?.Value, user, StringComparison.OrdinalIgnoreCase));

    /// <summary>Closes the connections opened with personal access token <paramref name="tokenId"/>; returns how many.</summary>
    public int AbortPersonalToken(string tokenId) => Abort(c => c.User?.FindFirst(Access.Claims.PersonalToken)?.Value == tokenId);

    private int Abort(Func<HubCallerContext, bool> which)
    {
        var aborted = 0;
        foreach (var context in _connections.Values)
        {
            if (which(context))
            {
                context.Abort();
                aborted++;
            }
        }
        return aborted;
    }
}

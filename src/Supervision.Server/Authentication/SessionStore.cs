using System.Security.Cryptography;
using System.Text;
using Supervision.Identity;

namespace Supervision.Server.Authentication;

/// <summary>
/// Sign-in sessions, in memory: each has one refresh token at a time (a new one replaces it at every refresh) and
/// ends at sign-out, at <c>Supervision:Auth:SessionLifetime</c> after sign-in, when its user is disabled or changed,
/// or when an already-used refresh token comes back (a sign of theft). Every request with a local access token checks
/// its session here, which is why revocation takes effect at once rather than at the token's expiry. Refresh tokens
/// are kept as SHA-256 hashes only.
/// </summary>
public sealed class SessionStore(TimeProvider clock, TimeSpan lifetime)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    // Every refresh token a session was given, current or used, so a used one coming back is recognised.
    private readonly Dictionary<string, string> _byRefresh = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _refreshCurrent = new(StringComparer.Ordinal);

    /// <summary>One session: whose, with which grants (<see cref="UserAccount.Grants"/>) at sign-in, until when.</summary>
    public sealed record Session(string Id, string User, string Role, string Grants, DateTimeOffset ExpiresAt);

    /// <summary>What a refresh came to.</summary>
    public enum RefreshOutcome
    {
        /// <summary>A new refresh token was issued.</summary>
        Refreshed,

        /// <summary>No session knows the token (never issued, or its session ended).</summary>
        Unknown,

        /// <summary>The token was used before: the session is ended, since someone else may hold it.</summary>
        Reused,

        /// <summary>The session outlived its lifetime.</summary>
        Expired,
    }

    /// <summary>Raised with the session when it ends for any reason but expiry (its tokens stop at their next use anyway).</summary>
    public event Action<Session>? Ended;

    /// <summary>Sessions in memory (for health and tests).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>Starts a session for <paramref name="user"/>; returns it and its first refresh token.</summary>
    public (Session Session, string RefreshToken) Start(UserAccount user)
    {
        var now = clock.GetUtcNow();
        var session = new Session("s_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), user.Name, user.Role, user.Grants(), now + lifetime);
        var refresh = NewRefreshToken();
        lock (_lock)
        {
            PurgeExpiredLocked(now);
            _sessions[session.Id] = session;
            _byRefresh[Hash(refresh)] = session.Id;
            _refreshCurrent[session.Id] = Hash(refresh);
        }
        return (session, refresh);
    }

    /// <summary>Trades <paramref name="refreshToken"/> for a new one in the same session.</summary>
    public (RefreshOutcome Outcome, Session? Session, string? RefreshToken) Refresh(string refreshToken)
    {
        var now = clock.GetUtcNow();
        Session? ended = null;
        try
        {
            lock (_lock)
            {
                if (!_byRefresh.TryGetValue(Hash(refreshToken), out var id) || !_sessions.TryGetValue(id, out var session))
                {
                    return (RefreshOutcome.Unknown, null, null);
                }
                if (session.ExpiresAt <= now)
                {
                    EndLocked(id);
                    return (RefreshOutcome.Expired, session, null);
                }
                if (!_refreshCurrent.TryGetValue(id, out var current) || current != Hash(refreshToken))
                {
                    EndLocked(id);
                    ended = session;
                    return (RefreshOutcome.Reused, session, null);
                }
                var next = NewRefreshToken();
                _byRefresh[Hash(next)] = id;
                _refreshCurrent[id] = Hash(next);
                return (RefreshOutcome.Refreshed, session, next);
            }
        }
        finally
        {
            if (ended is not null)
            {
                Ended?.Invoke(ended);
            }
        }
    }

    /// <summary>The session <paramref name="id"/> while it lasts, or null.</summary>
    public Session? Find(string id)
    {
        lock (_lock)
        {
            return _sessions.TryGetValue(id, out var session) && session.ExpiresAt > clock.GetUtcNow() ? session : null;
        }
    }

    /// <summary>
    /// Null when <paramref name="user"/>'s current account may go on using <paramref name="session"/>; else ends the
    /// session and returns why (disabled, removed, or changed since sign-in).
    /// </summary>
    public string? Check(Session session, UserAccount? user)
    {
        if (user is { Disabled: false } && user.Grants() == session.Grants)
        {
            return null;
        }
        End(session.Id);
        return user is { Disabled: true } ? "this account is disabled" : "this account changed since sign-in; sign in again";
    }

    /// <summary>Ends session <paramref name="id"/> (sign-out); false when it was not active.</summary>
    public bool End(string id)
    {
        Session? session;
        lock (_lock)
        {
            if (!_sessions.TryGetValue(id, out session))
            {
                return false;
            }
            EndLocked(id);
        }
        Ended?.Invoke(session);
        return true;
    }

    /// <summary>Ends every session of <paramref name="user"/> (disabled or changed); returns how many.</summary>
    public int EndAllOf(string user)
    {
        List<Session> ended;
        lock (_lock)
        {
            ended = [.. _sessions.Values.Where(s => string.Equals(s.User, user, StringComparison.OrdinalIgnoreCase))];
            foreach (var session in ended)
            {
                EndLocked(session.Id);
            }
        }
        foreach (var session in ended)
        {
            Ended?.Invoke(session);
        }
        return ended.Count;
    }

    private void EndLocked(string id)
    {
        _sessions.Remove(id);
        _refreshCurrent.Remove(id);
        foreach (var hash in _byRefresh.Where(p => p.Value == id).Select(p => p.Key).ToList())
        {
            _byRefresh.Remove(hash);
        }
    }

    private void PurgeExpiredLocked(DateTimeOffset now)
    {
        foreach (var id in _sessions.Values.Where(s => s.ExpiresAt <= now).Select(s => s.Id).ToList())
        {
            EndLocked(id);
        }
    }

    private static string NewRefreshToken() => "rt_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

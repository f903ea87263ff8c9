namespace Supervision.Server.Authentication;

/// <summary>
/// Locks a user name after <c>Supervision:Auth:MaxFailedSignIns</c> failed sign-ins within
/// <c>Supervision:Auth:LockoutDuration</c>, for that duration. Names nobody has lock the same way, so a lockout says
/// nothing about whether an account exists. In memory: a restart forgets failures.
/// </summary>
public sealed class SignInLockout(TimeProvider clock, int maxFailures, TimeSpan duration)
{
    // Guessing many names must not grow memory without bound: past this, forgotten failures are swept out.
    private const int SweepAbove = 10_000;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);

    private sealed class Entry
    {
        public int Failures;
        public DateTimeOffset FirstFailure;
        public DateTimeOffset LockedUntil;
    }

    /// <summary>How long <paramref name="name"/> stays locked, or null when it is not.</summary>
    public TimeSpan? LockedFor(string name)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            return _entries.TryGetValue(name, out var entry) && entry.LockedUntil > now ? entry.LockedUntil - now : null;
        }
    }

    /// <summary>Counts a failed sign-in; returns how long the name is now locked, or null when it is not (yet).</summary>
    public TimeSpan? Fail(string name)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (_entries.Count > SweepAbove)
            {
                foreach (var stale in _entries.Where(e => e.Value.LockedUntil <= now && e.Value.FirstFailure + duration <= now).Select(e => e.Key).ToList())
                {
                    _entries.Remove(stale);
                }
            }
            if (!_entries.TryGetValue(name, out var entry) || entry.FirstFailure + duration <= now && entry.LockedUntil <= now)
            {
                entry = new Entry { FirstFailure = now };
                _entries[name] = entry;
            }
            entry.Failures++;
            if (entry.Failures >= maxFailures)
            {
                entry.LockedUntil = now + duration;
                entry.Failures = 0;
                entry.FirstFailure = now;
                return duration;
            }
            return null;
        }
    }

    /// <summary>A successful sign-in forgets the name's failures.</summary>
    public void Succeed(string name)
    {
        lock (_lock)
        {
            _entries.Remove(name);
        }
    }
}

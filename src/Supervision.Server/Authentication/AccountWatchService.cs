using Supervision.Identity;
using Supervision.Server.Auditing;

namespace Supervision.Server.Authentication;

/// <summary>
/// Looks at the users file every second: a user added, changed, disabled or removed with <c>supervision users</c> takes
/// effect within seconds, each change goes to the audit trail, and the sessions and hub connections of a changed or
/// disabled user end at once.
/// </summary>
public sealed class AccountWatchService(UserStore users, SessionStore sessions, LiveConnections connections, AuditTrail audit, TimeProvider clock, ILogger<AccountWatchService> logger)
    : BackgroundService
{
    /// <summary>How often the file is looked at.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private string? _lastProblem;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Applies the changes of the users file since the last look.</summary>
    public async Task CheckAsync(CancellationToken cancellation)
    {
        var (changes, problem) = users.Refresh();
        if (problem != _lastProblem)
        {
            _lastProblem = problem;
            if (problem is not null)
            {
                logger.LogError("The users file cannot be read; the users read before stay in force: {Problem}", problem);
            }
        }
        foreach (var (before, after) in changes)
        {
            var account = after ?? before!;
            var what = (before, after) switch
            {
                (null, _) => $"account added as {after!.Role}{(after.Disabled ? ", disabled" : "")}",
                (_, null) => "account removed",
                ({ Disabled: false }, { Disabled: true }) => "account disabled",
                ({ Disabled: true }, { Disabled: false }) => "account enabled",
                _ when before.Grants() == after.Grants() => "password changed",
                _ => $"account changed to {after.Grants()}",
            };
            logger.LogInformation("Users file: {User}: {Change}", account.Name, what);
            // Any change ends the user's sessions: a new password may be the answer to a stolen one.
            if (before is not null)
            {
                var ended = sessions.EndAllOf(account.Name);
                var closed = connections.AbortUser(account.Name);
                what += $"; {ended} session(s) ended, {closed} hub connection(s) closed";
            }
            await audit.RecordAsync(account.Name, account.Role, "users file: " + what, 0, false, cancellation);
        }
    }
}

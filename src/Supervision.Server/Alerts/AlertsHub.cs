using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Supervision.Domain.Identifiers;
using Supervision.Server.Auditing;
using Supervision.Server.Authentication;
using Supervision.Server.Authorization;

namespace Supervision.Server.Alerts;

/// <summary>
/// <c>/hubs/alerts</c>: people receive <c>alert</c> messages of their jurisdiction, masked as their role sees data.
/// A connection authenticates with an access token (<c>access_token</c> in the query string, as SignalR clients send
/// it) and watches one prefix inside its jurisdiction (<c>?region=3501</c> at connect, or <see cref="Watch"/> later;
/// none means the whole jurisdiction), for the sectors it is bound to. An enterprise's connection receives only its
/// own enterprise's alerts. A partner agency's watching goes to the audit trail.
/// </summary>
[Authorize(Policy = Policies.ReadAlerts)]
public sealed class AlertsHub(LiveConnections connections, AuditTrail audit) : Hub
{
    private const string GroupsKey = "groups";

    /// <inheritdoc/>
    public override async Task OnConnectedAsync()
    {
        connections.Add(Context);
        await JoinAsync(Context.GetHttpContext()?.Request.Query["region"].ToString() ?? "");
        await base.OnConnectedAsync();
    }

    /// <inheritdoc/>
    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>
    /// Switches this connection to <paramref name="region"/> (2, 4 or 6 digits inside the caller's jurisdiction, or
    /// empty for all of it). A region outside is refused with a <see cref="HubException"/> and the old one kept.
    /// </summary>
    [Authorize(Policy = Policies.ReadAlerts)]
    public Task Watch(string region) => JoinAsync(region ?? "");

    private async Task JoinAsync(string region)
    {
        var caller = CallerScope.From(Context.User);
        if (RegionCode.ValidateJurisdiction(region) is { } error)
        {
            throw new HubException($"region '{region}' {error}");
        }
        List<string> groups;
        if (caller.Enterprise is not null)
        {
            if (region.Length > 0)
            {
                throw new HubException($"region '{region}': your account sees enterprise {caller.Enterprise} only; watch without a region");
            }
            groups = [AlertGroups.Enterprise(caller.Enterprise)];
        }
        else
        {
            var prefix = caller.Region(region);
            if (!caller.CoversRegion(prefix))
            {
                throw new HubException($"region '{region}' is outside your jurisdiction ({(caller.Jurisdiction!.Length == 0 ? "the whole country" : caller.Jurisdiction)})");
            }
            groups = caller.Sectors.Count == 0
                ? [AlertGroups.Watching(prefix, null, caller.Masked)]
                : [.. caller.Sectors.Select(s => AlertGroups.Watching(prefix, s, caller.Masked))];
        }
        if (Context.Items.TryGetValue(GroupsKey, out var old) && old is List<string> oldGroups)
        {
            foreach (var group in oldGroups)
            {
                await Groups.RemoveFromGroupAsync(Context.ConnectionId, group);
            }
        }
        Context.Items[GroupsKey] = groups;
        foreach (var group in groups)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group);
        }
        if (caller.ReadsAudited)
        {
            await audit.RecordAsync(caller, $"HUB /hubs/alerts watch '{region}'", 0, CancellationToken.None);
        }
    }
}

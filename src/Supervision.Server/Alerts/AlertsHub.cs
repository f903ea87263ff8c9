using Microsoft.AspNetCore.SignalR;
using Supervision.Domain.Identifiers;

namespace Supervision.Server.Alerts;

/// <summary>
/// <c>/hubs/alerts</c>: inspectors receive <c>alert</c> messages for their jurisdiction. A connection watches
/// one jurisdiction prefix (query string <c>?region=3501</c> at connect, or <see cref="Watch"/> later); no prefix
/// means the whole country.
/// </summary>
public sealed class AlertsHub : Hub
{
    private const string GroupKey = "jurisdiction";

    /// <summary>The group of connections that watch <paramref name="prefix"/>.</summary>
    public static string GroupFor(string prefix) => "j:" + prefix;

    /// <inheritdoc/>
    public override async Task OnConnectedAsync()
    {
        var region = Context.GetHttpContext()?.Request.Query["region"].ToString() ?? "";
        if (RegionCode.ValidateJurisdiction(region) is { } error)
        {
            throw new HubException($"region '{region}' {error}");
        }
        await JoinAsync(region);
        await base.OnConnectedAsync();
    }

    /// <summary>Switches this connection to the jurisdiction <paramref name="region"/> (2, 4 or 6 digits, or empty).</summary>
    public async Task Watch(string region)
    {
        region ??= "";
        if (RegionCode.ValidateJurisdiction(region) is { } error)
        {
            throw new HubException($"region '{region}' {error}");
        }
        if (Context.Items.TryGetValue(GroupKey, out var old) && old is string oldGroup)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, oldGroup);
        }
        await JoinAsync(region);
    }

    private async Task JoinAsync(string region)
    {
        var group = GroupFor(region);
        Context.Items[GroupKey] = group;
        await Groups.AddToGroupAsync(Context.ConnectionId, group);
    }
}

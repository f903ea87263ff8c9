using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;

namespace Supervision.Server.Alerts;

/// <summary>
/// The hub's groups, named in one place for the hub (which joins them) and the broadcaster (which sends to them). A
/// staff connection watches a prefix, for all sectors or one, masked or not; an enterprise connection its enterprise.
/// An alert goes to each prefix of its region (country, province, city, county), each for any sector and for its own,
/// with personal data masked for masked groups: so a connection receives it at most once and as its role may see it.
/// </summary>
public static class AlertGroups
{
    /// <summary>The group of connections watching <paramref name="prefix"/> for <paramref name="sector"/> (null: every sector).</summary>
    public static string Watching(string prefix, Sector? sector, bool masked) =>
        $"j:{prefix}:{(sector is { } s ? s.Name() : "*")}:{(masked ? "m" : "u")}";

    /// <summary>The group of an enterprise's own connections (always masked).</summary>
    public static string Enterprise(string enterpriseId) => "e:" + enterpriseId;

    /// <summary>The groups an alert goes to, masked and unmasked.</summary>
    public static (string[] Masked, string[] Unmasked) Of(Alert alert)
    {
        var region = alert.Region;
        string[] prefixes = ["", region[..2], region[..4], region];
        var masked = new string[prefixes.Length * 2 + 1];
        var unmasked = new string[prefixes.Length * 2];
        for (var i = 0; i < prefixes.Length; i++)
        {
            masked[2 * i] = Watching(prefixes[i], null, true);
            masked[2 * i + 1] = Watching(prefixes[i], alert.Sector, true);
            unmasked[2 * i] = Watching(prefixes[i], null, false);
            unmasked[2 * i + 1] = Watching(prefixes[i], alert.Sector, false);
        }
        masked[^1] = Enterprise(alert.EnterpriseId);
        return (masked, unmasked);
    }
}

using Supervision.Domain.Alerts;
using Supervision.Storage.Protection;

namespace Supervision.Server.Alerts;

/// <summary>An alert as a caller without the right to personal data sees it: numbers that look like phones or ID numbers masked in its text.</summary>
public static class AlertPrivacy
{
    /// <summary>The alert with personal data masked in its summary and dedup key (device ids may be phone numbers).</summary>
    public static Alert Mask(Alert alert) => alert with { Summary = PersonalData.MaskText(alert.Summary), Key = PersonalData.MaskText(alert.Key) };

    /// <summary>The alert as a caller sees it.</summary>
    public static Alert For(Alert alert, bool masked) => masked ? Mask(alert) : alert;
}

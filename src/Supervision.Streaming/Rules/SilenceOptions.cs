namespace Supervision.Streaming.Rules;

/// <summary>Silent loggers (<c>device.silent</c>): a store's or warehouse's logger that stops reporting.</summary>
public sealed class SilenceOptions
{
    /// <summary>A logger is silent after this many of its usual intervals without a report.</summary>
    public double IntervalMultiple { get; set; } = 10;

    /// <summary>Never silent sooner than this, however often the logger usually reports.</summary>
    public TimeSpan MinSilence { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Uploads a logger must have made before its silence is judged (its usual interval is learnt from them).</summary>
    public int LearnArrivals { get; set; } = 5;

    public string? Validate() =>
        !(IntervalMultiple >= 1) ? "Rules:Silence:IntervalMultiple must be at least 1"
        : MinSilence <= TimeSpan.Zero ? "Rules:Silence:MinSilence must be positive"
        : LearnArrivals < 2 ? "Rules:Silence:LearnArrivals must be at least 2" : null;
}

namespace Supervision.Streaming.Pipeline;

/// <summary>What happens to a report that arrives later than its source's disorder policy allows.</summary>
public enum LateAction
{
    /// <summary>Stored in history and counted as late, but not judged: rules see each source in event-time order.</summary>
    Drop,

    /// <summary>Judged as if observed at the latest time the policy still allows (its source's frontier minus the lateness).</summary>
    Adjust,
}

/// <summary>
/// How far out of event-time order a source's reports may arrive, and what happens to later ones: a named policy
/// chosen where the stream enters the engine (after Trill's disorder policies). A source is one subject stream: a
/// store's logger, an equipment metric, a sample's product and test item, a batch. A report is late when its
/// event time is more than <see cref="Lateness"/> older than the newest one its source has had (for sensor
/// readings, a reading at the very instant of the newest is a repeat and late too). Late reports are never lost:
/// they are stored like any other and counted per kind (<see cref="EngineCounters.LateReports"/>).
/// </summary>
/// <param name="Name">The policy's name, as configuration and logs show it.</param>
/// <param name="Lateness">How far behind its source's newest report a report may be and still be judged as it is.</param>
/// <param name="Action">What happens to a report later than that.</param>
public sealed record DisorderPolicy(string Name, TimeSpan Lateness, LateAction Action)
{
    /// <summary>Judges reports within <paramref name="lateness"/> of their source's newest; stores and counts the rest without judging them.</summary>
    public static DisorderPolicy Drop(TimeSpan lateness) => new("drop", lateness, LateAction.Drop);

    /// <summary>Judges reports within <paramref name="lateness"/> as they are, later ones as if observed at the allowed limit.</summary>
    public static DisorderPolicy Adjust(TimeSpan lateness) => new("adjust", lateness, LateAction.Adjust);

    /// <summary>The default: each source in strict event-time order; anything older than its newest is stored and counted, not judged.</summary>
    public static DisorderPolicy Default { get; } = Drop(TimeSpan.Zero);

    /// <summary>The policy a configuration names (<c>drop</c> or <c>adjust</c>), or null.</summary>
    public static DisorderPolicy? FromName(string name, TimeSpan lateness) => name switch
    {
        "drop" => Drop(lateness),
        "adjust" => Adjust(lateness),
        _ => null,
    };
}

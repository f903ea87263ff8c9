namespace Supervision.Streaming.Pipeline;

/// <summary>
/// The engine's notion of time, advanced only by its inputs (report batches with their arrival time, and
/// processing-time ticks), so a replay of the same inputs sees the same times.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><see cref="Processing"/>: the newest arrival or tick time (wall clock at the server, monotonic).</item>
/// <item><see cref="Uptime"/>: processing time that only counts while the engine runs: a step longer than
/// <see cref="MaxStep"/> (a restart, a paused process) counts as <see cref="MaxStep"/>, so nothing a source does
/// is judged on the engine's own downtime. Silence is measured in it.</item>
/// <item><see cref="EventNow"/>: event time now. It is the newest event time seen, carried forward at the pace of
/// processing time while nothing newer arrives, and never goes back: calendar rules (due dates, expiry) judge
/// against it, so they fire on ticks when nobody reports, yet a replay of old history sees its own dates.</item>
/// </list>
/// </remarks>
public sealed class EngineClock
{
    private long _frontierProcessing;

    /// <summary>A clock whose uptime counts at most <paramref name="maxStep"/> of any single step.</summary>
    public EngineClock(TimeSpan maxStep) => MaxStep = maxStep;

    /// <summary>The longest step of processing time uptime counts.</summary>
    public TimeSpan MaxStep { get; }

    /// <summary>Newest arrival or tick time, UTC ticks (0 before any input).</summary>
    public long Processing { get; private set; }

    /// <summary>Processing time while running, ticks since the first input.</summary>
    public long Uptime { get; private set; }

    /// <summary>Newest event time seen in any report, UTC ticks.</summary>
    public long EventFrontier { get; private set; }

    /// <summary>Event time now, UTC ticks: see the remarks.</summary>
    public long EventNow { get; private set; }

    /// <summary>Event time now as a time.</summary>
    public DateTimeOffset EventNowTime => new(EventNow, TimeSpan.Zero);

    /// <summary>Processing time moves to <paramref name="at"/> (a batch's arrival or a tick); it never goes back.</summary>
    public void Advance(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        if (ticks <= Processing)
        {
            return;
        }
        if (Processing != 0)
        {
            Uptime += Math.Min(ticks - Processing, MaxStep.Ticks);
        }
        Processing = ticks;
        if (EventFrontier != 0)
        {
            EventNow = Math.Max(EventNow, EventFrontier + (Processing - _frontierProcessing));
        }
    }

    /// <summary>A report observed at <paramref name="observedTicks"/> was applied.</summary>
    public void Observed(long observedTicks)
    {
        if (observedTicks > EventFrontier)
        {
            EventFrontier = observedTicks;
            _frontierProcessing = Processing;
            EventNow = Math.Max(EventNow, observedTicks);
        }
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write(Processing);
        writer.Write(Uptime);
        writer.Write(EventFrontier);
        writer.Write(EventNow);
        writer.Write(_frontierProcessing);
    }

    internal void Read(BinaryReader reader)
    {
        Processing = reader.ReadInt64();
        Uptime = reader.ReadInt64();
        EventFrontier = reader.ReadInt64();
        EventNow = reader.ReadInt64();
        _frontierProcessing = reader.ReadInt64();
    }
}

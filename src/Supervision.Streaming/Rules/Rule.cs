using Supervision.Domain.Reports;

namespace Supervision.Streaming.Rules;

/// <summary>
/// One regulatory rule (or a family of rule ids judged together): which report kinds it reads, what it does with
/// one report, and its own typed state per subject. A rule that also judges the passing of time implements
/// <see cref="ITimedRule"/>. Rules keep state in <see cref="State.SubjectStates{T}"/> indexed by the subject
/// numbers the engine hands them, raise and resolve through <see cref="RuleContext.Alerts"/>, and read their
/// settings from <see cref="RuleContext.Options"/> at each use, so a reload takes effect at once.
/// All rules are created in one place: <see cref="SupervisionRules.Create"/>.
/// </summary>
public abstract class Rule
{
    /// <summary>A short name for logs, gauges and snapshots (stable: snapshots find a rule's state by it).</summary>
    public abstract string Name { get; }

    /// <summary>The rule ids its alerts carry.</summary>
    public abstract IReadOnlyList<string> Ids { get; }

    /// <summary>The report kinds it reads (none for a rule driven by time only).</summary>
    public virtual IReadOnlyList<ReportKind> Kinds => [];

    /// <summary>Version of the state layout <see cref="Write"/> produces; a snapshot holding another is refused.</summary>
    public virtual int StateVersion => 1;

    /// <summary>Judges one report of a kind it reads (in its source's event-time order, per the disorder policy).</summary>
    public virtual void Apply(in Report report, in ReportContext context)
    {
    }

    /// <summary>False once the rule no longer needs anything of the subject (no open alert, nothing pending): it may then be evicted.</summary>
    public virtual bool Retains(ReportKind kind, int subject, RuleContext context) => false;

    /// <summary>The subject was evicted: reset its state.</summary>
    public virtual void Forget(ReportKind kind, int subject)
    {
    }

    /// <summary>Rule options or data were reloaded: refresh whatever the rule derived from them.</summary>
    public virtual void Reloaded(RuleContext context)
    {
    }

    /// <summary>Writes the rule's state (for a snapshot).</summary>
    public virtual void Write(BinaryWriter writer, RuleContext context)
    {
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    public virtual void Read(BinaryReader reader, RuleContext context)
    {
    }

    /// <summary>Entries of state it holds beyond the per-subject arrays (pending chains, calendars…), for gauges.</summary>
    public virtual long StateEntries => 0;
}

/// <summary>Which of the engine's clocks a timed rule is advanced by.</summary>
public enum RuleClock
{
    /// <summary><see cref="Pipeline.EngineClock.EventNow"/>: calendars, due dates, expiry, grace periods.</summary>
    EventTime,

    /// <summary><see cref="Pipeline.EngineClock.Uptime"/>: how long something has been quiet while the engine ran.</summary>
    Uptime,
}

/// <summary>A rule that also acts as time passes, without new reports (silence, due dates, expiry, grace periods).</summary>
public interface ITimedRule
{
    /// <summary>How often it wants to look, on <see cref="Clock"/>.</summary>
    TimeSpan Period { get; }

    /// <summary>The clock that advances it.</summary>
    RuleClock Clock => RuleClock.EventTime;

    /// <summary>Time has advanced: judge what became due.</summary>
    void Advance(RuleContext context);
}

/// <summary>The report a rule is judging: its enterprise's and subject's numbers, and the engine's services.</summary>
/// <param name="Enterprise">The enterprise's dense number.</param>
/// <param name="Subject">The subject's number in its kind's <see cref="State.SubjectIndex"/> (-1 for kinds without subjects).</param>
/// <param name="Engine">The engine's shared services.</param>
public readonly record struct ReportContext(int Enterprise, int Subject, RuleContext Engine);

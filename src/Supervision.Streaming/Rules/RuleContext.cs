using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Rules;

/// <summary>What the engine shares with every rule: the alert book, the per-enterprise windows, the clock, the subject tables and the rule set in force.</summary>
public sealed class RuleContext
{
    private readonly SubjectIndex[] _subjects;

    internal RuleContext(AlertBook alerts, EnterpriseWindow window, EnterpriseTable enterprises, EngineClock clock, SubjectIndex[] subjects, RuleSet rules)
    {
        Alerts = alerts;
        Window = window;
        Enterprises = enterprises;
        Clock = clock;
        _subjects = subjects;
        Rules = rules;
    }

    /// <summary>Open alerts: raise, update, resolve.</summary>
    public AlertBook Alerts { get; }

    /// <summary>Per-enterprise counters over the last 24 h that feed the risk features.</summary>
    public EnterpriseWindow Window { get; }

    /// <summary>The interned enterprises.</summary>
    public EnterpriseTable Enterprises { get; }

    /// <summary>The engine's time.</summary>
    public EngineClock Clock { get; }

    /// <summary>The rule set in force (options, data tables, version).</summary>
    public RuleSet Rules { get; internal set; }

    /// <summary>The options in force.</summary>
    public RuleOptions Options => Rules.Options;

    /// <summary>The subjects of a report kind.</summary>
    public SubjectIndex Subjects(ReportKind kind) => _subjects[(int)kind];
}

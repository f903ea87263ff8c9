using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Rules.Samples;

/// <summary>
/// Subjects judged report by report (a commodity and pesticide, a product and test item): a failing report
/// raises or updates the subject's alert, a later passing one resolves it.
/// </summary>
public abstract class JudgedSamples : Rule
{
    private readonly SubjectStates<int> _alerts = new();

    /// <summary>The one kind the rule reads.</summary>
    protected abstract ReportKind Kind { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<ReportKind> Kinds => [Kind];

    /// <summary>Resolves the subject's alert.</summary>
    protected void Pass(in ReportContext context) => context.Engine.Alerts.Resolve(ref _alerts[context.Subject]);

    /// <summary>Raises or updates the subject's alert.</summary>
    protected void Fail(in ReportContext context, in AlertDraft draft) => context.Engine.Alerts.Raise(ref _alerts[context.Subject], context.Enterprise, draft);

    /// <summary>The severity of a value against its limit: critical at <see cref="RuleOptions.CriticalSampleFactor"/> times it.</summary>
    protected static Severity SeverityOf(double value, double limit, RuleOptions options) =>
        value >= limit * options.CriticalSampleFactor ? Severity.Critical : Severity.Warning;

    /// <inheritdoc/>
    public override bool Retains(ReportKind kind, int subject, RuleContext context) => context.Alerts.IsOpen(_alerts[subject]);

    /// <inheritdoc/>
    public override void Forget(ReportKind kind, int subject) => _alerts.Reset(subject);

    /// <inheritdoc/>
    public override void Write(BinaryWriter writer, RuleContext context) => _alerts.Write(writer, context.Subjects(Kind), static (w, a) => w.Write(a));

    /// <inheritdoc/>
    public override void Read(BinaryReader reader, RuleContext context) => _alerts.Read(reader, static r => r.ReadInt32());
}

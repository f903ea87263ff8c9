using System.Globalization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Anomaly;
using Supervision.Streaming.Alerts;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Rules.Anomaly;

/// <summary>
/// Runs every reading of a numeric series through its own streaming anomaly detector; opens a warning when the
/// score reaches <see cref="RuleOptions.AnomalyAlertScore"/> and resolves it once the score falls under
/// <see cref="RuleOptions.AnomalyResolveScore"/>. Anomalies are not violations: they count as open alerts but not
/// in the grade's alert history. Shared by the temperature and the telemetry anomaly rules.
/// </summary>
public abstract class SeriesAnomalies : Rule
{
    /// <inheritdoc/>
    public override int StateVersion => 2;

    private readonly SubjectStates<Series>[] _states = new SubjectStates<Series>[11];
    private OnlineAnomalyDetector? _detector;

    /// <inheritdoc/>
    public override void Reloaded(RuleContext context) => _detector = null;

    /// <summary>Scores one reading and raises, keeps or resolves the series' alert.</summary>
    protected void Score(in Report report, in ReportContext context, string subject, string metric, double value, string what, string ruleId)
    {
        var engine = context.Engine;
        var options = engine.Options;
        var detector = _detector ??= new OnlineAnomalyDetector(options.Anomaly);
        ref var series = ref States(report.Kind)[context.Subject];
        var score = detector.Update(ref series.Detector, report.ObservedAt.UtcTicks, value);
        var expected = series.Detector.Expected;
        var sigma = series.Detector.Sigma;
        if (score < options.AnomalyResolveScore)
        {
            engine.Alerts.Resolve(ref series.Alert);
            return;
        }
        if (score < options.AnomalyAlertScore)
        {
            return;
        }
        // The kind tells an inspector whether to send a technician for the probe or look at the store itself.
        var kind = series.Detector.Kind;
        var cause = kind.IsSensorFault() ? "a sensor fault" : "a process change";
        var summary = string.Create(CultureInfo.InvariantCulture, $"{what} {subject}: {metric} {value:0.##} is unusual: {kind.Describe()}, {cause} (expected about {expected:0.##} ± {sigma:0.##}; anomaly score {score:0.00})");
        ExplanationItem[] explanation =
        [
            new(metric, value, null, null),
            new("expected", Math.Round(expected, 3), null, null),
            new("anomalyScore", Math.Round(score, 4), options.AnomalyAlertScore, null),
            new("sigma", Math.Round(sigma, 3), null, null),
        ];
        var firstSeen = engine.Alerts.IsOpen(series.Alert) ? engine.Alerts[series.Alert].FirstSeen : report.ObservedAt;
        engine.Alerts.Raise(ref series.Alert, context.Enterprise, new AlertDraft(ruleId, subject, Severity.Warning, summary, explanation, firstSeen, report.ObservedAt, report.Kind, Violation: false, Region: report.Region));
    }

    /// <inheritdoc/>
    public override bool Retains(ReportKind kind, int subject, RuleContext context) => context.Alerts.IsOpen(States(kind)[subject].Alert);

    /// <inheritdoc/>
    public override void Forget(ReportKind kind, int subject) => States(kind).Reset(subject);

    /// <inheritdoc/>
    public override void Write(BinaryWriter writer, RuleContext context)
    {
        foreach (var kind in Kinds)
        {
            States(kind).Write(writer, context.Subjects(kind), static (w, s) =>
            {
                s.Detector.WriteTo(w);
                w.Write(s.Alert);
            });
        }
    }

    /// <inheritdoc/>
    public override void Read(BinaryReader reader, RuleContext context)
    {
        foreach (var kind in Kinds)
        {
            States(kind).Read(reader, static r => new Series { Detector = AnomalyState.ReadFrom(r), Alert = r.ReadInt32() });
        }
    }

    private SubjectStates<Series> States(ReportKind kind) => _states[(int)kind] ??= new SubjectStates<Series>();

    private struct Series
    {
        public AnomalyState Detector;
        public int Alert;
    }
}

using System.Globalization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Rules.Storage;

/// <summary>
/// A store's temperature against its range, judged on the duration of an excursion in event time rather than
/// one reading: shared by the food cold-chain and the drug storage rules. Each logger's state: its newest
/// reading, when the current excursion began, and its alert.
/// </summary>
public abstract class StorageExcursions : Rule
{
    private readonly SubjectStates<Excursion> _states = new();

    /// <summary>The one kind the rule reads.</summary>
    protected abstract ReportKind Kind { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<ReportKind> Kinds => [Kind];

    /// <summary>True while the logger's newest reading is outside its range.</summary>
    public bool InExcursion(int subject) => _states[subject].Out;

    /// <summary>The logger's newest temperature, °C.</summary>
    public double LastTemperature(int subject) => _states[subject].Temperature;

    /// <summary>Judges one reading of <paramref name="deviceId"/> against [<paramref name="min"/>, <paramref name="max"/>].</summary>
    protected void Judge(in Report report, in ReportContext context, string deviceId, double t, double min, double max, string what, string ruleId)
    {
        var engine = context.Engine;
        var options = engine.Options;
        ref var device = ref _states[context.Subject];
        var at = report.ObservedAt.UtcTicks;
        var excess = t > max ? t - max : t < min ? min - t : 0;
        var gap = device.LastObserved == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(at - device.LastObserved);
        device.LastObserved = at;
        device.Temperature = t;
        device.Out = excess > 0;
        var hour = at / TimeSpan.TicksPerHour;

        if (excess <= 0)
        {
            engine.Window.AddReading(context.Enterprise, hour, false, 0, 0);
            device.RunStart = 0;
            engine.Alerts.Resolve(ref device.Alert);
            return;
        }

        // A gap longer than the rule tolerates breaks the run: nobody saw the store in between.
        if (device.RunStart == 0 || gap > options.MaxReadingGap)
        {
            device.RunStart = at;
        }
        var excursionMinutes = gap > options.MaxReadingGap || device.RunStart == at ? 1 : gap.TotalMinutes;
        engine.Window.AddReading(context.Enterprise, hour, true, excursionMinutes, excess);

        var duration = TimeSpan.FromTicks(at - device.RunStart);
        if (duration < options.MinExcursion)
        {
            return;
        }
        var limit = t > max ? max : min;
        var severity = duration >= options.CriticalExcursion || excess >= 10 ? Severity.Critical : Severity.Warning;
        var direction = t > max ? "above" : "below";
        var summary = string.Create(CultureInfo.InvariantCulture, $"{what} {deviceId} at {t:0.0} °C, {direction} {limit:0.#} °C for {duration.TotalMinutes:0} min");
        ExplanationItem[] explanation =
        [
            new("temperatureC", t, limit, null),
            new("excursionMinutes", Math.Round(duration.TotalMinutes, 1), options.MinExcursion.TotalMinutes, null),
        ];
        engine.Alerts.Raise(ref device.Alert, context.Enterprise,
            new AlertDraft(ruleId, deviceId, severity, summary, explanation, new DateTimeOffset(device.RunStart, TimeSpan.Zero), report.ObservedAt, report.Kind, Region: report.Region));
    }

    /// <inheritdoc/>
    public override bool Retains(ReportKind kind, int subject, RuleContext context) =>
        context.Alerts.IsOpen(_states[subject].Alert) || _states[subject].RunStart != 0;

    /// <inheritdoc/>
    public override void Forget(ReportKind kind, int subject) => _states.Reset(subject);

    /// <inheritdoc/>
    public override void Write(BinaryWriter writer, RuleContext context) =>
        _states.Write(writer, context.Subjects(Kind), static (w, s) =>
        {
            w.Write(s.LastObserved);
            w.Write(s.RunStart);
            w.Write(s.Alert);
            w.Write(s.Temperature);
            w.Write(s.Out);
        });

    /// <inheritdoc/>
    public override void Read(BinaryReader reader, RuleContext context) =>
        _states.Read(reader, static r => new Excursion
        {
            LastObserved = r.ReadInt64(),
            RunStart = r.ReadInt64(),
            Alert = r.ReadInt32(),
            Temperature = r.ReadDouble(),
            Out = r.ReadBoolean(),
        });

    private struct Excursion
    {
        public long LastObserved;
        public long RunStart;
        public int Alert;
        public double Temperature;
        public bool Out;
    }
}

using System.Globalization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Rules.Storage;

/// <summary>
/// Silent loggers (<c>device.silent</c>): a cold store's or drug warehouse's logger that has been reporting and
/// stops for longer than <see cref="SilenceOptions.IntervalMultiple"/> × its usual interval (at least
/// <see cref="SilenceOptions.MinSilence"/>) opens a warning, critical when it went silent during an excursion; it
/// resolves when the logger reports again.
/// </summary>
/// <remarks>
/// Silence is measured in processing time while the engine runs (<see cref="Pipeline.EngineClock.Uptime"/>):
/// what counts is that no data arrives, not how old the data is, so a logger uploading an hour of readings at once
/// is busy, not silent, and the engine's own downtime is never held against a logger. A logger's usual interval
/// is the larger of its usual gap between readings (event time) and between uploads (arrival time), learnt as it
/// reports: a logger that uploads hourly batches is silent only after several missed uploads.
/// </remarks>
public sealed class SilentLoggerRule(StorageExcursions coldChain, StorageExcursions drugStorage) : Rule, ITimedRule
{
    private const double Learning = 0.2;
    private readonly SubjectStates<Logger>[] _states = [new(), new()];

    public override string Name => "silent-logger";

    public override IReadOnlyList<string> Ids => [RuleIds.SilentLogger];

    public override IReadOnlyList<ReportKind> Kinds => [ReportKind.FoodColdChain, ReportKind.DrugStorage];

    public TimeSpan Period => TimeSpan.FromSeconds(30);

    public RuleClock Clock => RuleClock.Uptime;

    public override void Apply(in Report report, in ReportContext context)
    {
        ref var logger = ref States(report.Kind)[context.Subject];
        var arrival = context.Engine.Clock.Uptime;
        var at = report.ObservedAt.UtcTicks;
        if (logger.Arrivals == 0 || arrival > logger.LastArrival)
        {
            // Readings of one upload arrive together: the upload, not the reading, is what silence is judged on.
            if (logger.Arrivals > 0)
            {
                Learn(ref logger.ArrivalInterval, arrival - logger.LastArrival);
            }
            logger.Arrivals = Math.Min(logger.Arrivals + 1, 1_000_000);
        }
        if (logger.LastEvent != 0)
        {
            Learn(ref logger.EventInterval, at - logger.LastEvent);
        }
        logger.LastArrival = arrival;
        logger.LastEvent = Math.Max(logger.LastEvent, at);
        context.Engine.Alerts.Resolve(ref logger.Alert);
    }

    public void Advance(RuleContext context)
    {
        Sweep(context, ReportKind.FoodColdChain, coldChain, "cold-chain logger");
        Sweep(context, ReportKind.DrugStorage, drugStorage, "drug warehouse logger");
    }

    private void Sweep(RuleContext context, ReportKind kind, StorageExcursions excursions, string what)
    {
        var options = context.Options.Silence;
        var subjects = context.Subjects(kind);
        var states = States(kind);
        var now = context.Clock.Uptime;
        for (var id = 0; id < subjects.Capacity; id++)
        {
            if (!subjects.IsLive(id))
            {
                continue;
            }
            ref var logger = ref states[id];
            if (logger.Arrivals < options.LearnArrivals || context.Alerts.IsOpen(logger.Alert))
            {
                continue;
            }
            var usual = Math.Max(logger.ArrivalInterval, logger.EventInterval);
            var limit = Math.Max(options.MinSilence.Ticks, usual * options.IntervalMultiple);
            var silent = now - logger.LastArrival;
            if (silent <= limit)
            {
                continue;
            }
            var excursion = excursions.InExcursion(id);
            var name = subjects.FirstOf(id);
            var last = new DateTimeOffset(logger.LastEvent, TimeSpan.Zero);
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"{what} {name} silent for {TimeSpan.FromTicks(silent).TotalMinutes:0} min (usually every {TimeSpan.FromTicks((long)usual).TotalMinutes:0.#} min); last reading {excursions.LastTemperature(id):0.0} °C at {last:yyyy-MM-dd HH:mm} UTC{(excursion ? ", during an excursion" : "")}");
            ExplanationItem[] explanation =
            [
                new("silentMinutes", Math.Round(TimeSpan.FromTicks(silent).TotalMinutes, 1), Math.Round(TimeSpan.FromTicks((long)limit).TotalMinutes, 1), null),
                new("usualIntervalMinutes", Math.Round(TimeSpan.FromTicks((long)usual).TotalMinutes, 2), null, null),
                new("lastTemperatureC", excursions.LastTemperature(id), null, null),
            ];
            context.Alerts.Raise(ref logger.Alert, subjects.EnterpriseOf(id),
                new AlertDraft(RuleIds.SilentLogger, name, excursion ? Severity.Critical : Severity.Warning, summary, explanation, last, context.Clock.EventNowTime, kind, Region: subjects.RegionOf(id)));
        }
    }

    // Exponentially weighted mean of positive gaps (a gap of 0 is two readings in one upload).
    private static void Learn(ref double interval, long gap)
    {
        if (gap <= 0)
        {
            return;
        }
        interval = interval == 0 ? gap : interval + (Learning * (gap - interval));
    }

    public override bool Retains(ReportKind kind, int subject, RuleContext context) => context.Alerts.IsOpen(States(kind)[subject].Alert);

    public override void Forget(ReportKind kind, int subject) => States(kind).Reset(subject);

    public override void Write(BinaryWriter writer, RuleContext context)
    {
        foreach (var kind in Kinds)
        {
            States(kind).Write(writer, context.Subjects(kind), static (w, s) =>
            {
                w.Write(s.LastArrival);
                w.Write(s.LastEvent);
                w.Write(s.ArrivalInterval);
                w.Write(s.EventInterval);
                w.Write(s.Arrivals);
                w.Write(s.Alert);
            });
        }
    }

    public override void Read(BinaryReader reader, RuleContext context)
    {
        foreach (var kind in Kinds)
        {
            States(kind).Read(reader, static r => new Logger
            {
                LastArrival = r.ReadInt64(),
                LastEvent = r.ReadInt64(),
                ArrivalInterval = r.ReadDouble(),
                EventInterval = r.ReadDouble(),
                Arrivals = r.ReadInt32(),
                Alert = r.ReadInt32(),
            });
        }
    }

    private SubjectStates<Logger> States(ReportKind kind) => _states[kind == ReportKind.FoodColdChain ? 0 : 1];

    private struct Logger
    {
        public long LastArrival;
        public long LastEvent;
        public double ArrivalInterval;
        public double EventInterval;
        public int Arrivals;
        public int Alert;
    }
}

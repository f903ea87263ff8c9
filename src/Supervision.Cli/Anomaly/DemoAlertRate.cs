using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Models;
using Supervision.Simulation.Feeds;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;

namespace Supervision.Cli.Anomaly;

/// <summary>
/// Runs the demo feed's simulator (<c>Supervision:Demo</c> defaults: 500 enterprises, seed 7) through the
/// <see cref="SupervisionEngine"/> with default rules, one reading a minute per device, and counts the anomaly alerts it
/// opens: how many, and how many fall on an excursion the simulator injected (from 2 minutes before its start to 5
/// minutes after its end).
/// </summary>
public static class DemoAlertRate
{
    /// <summary>Demo enterprises (<c>Supervision:Demo:Enterprises</c> default).</summary>
    public const int Enterprises = 500;

    /// <summary>Demo seed (<c>Supervision:Demo:Seed</c> default).</summary>
    public const int Seed = 7;

    private static readonly string[] ExcursionKinds =
    [
        ViolationKinds.SustainedExcursion, ViolationKinds.Blip, ViolationKinds.DrugExcursion, ViolationKinds.DrugBlip,
    ];

    /// <summary>Simulates <paramref name="hours"/> hours of event time.</summary>
    public static DemoAlertResult Measure(int hours)
    {
        var generator = ReportGenerator.Create(Enterprises, Seed);
        var engine = new SupervisionEngine(new RuleOptions(), new UnscoredModel());
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var step = TimeSpan.FromMinutes(1);
        var reports = new List<Report>(generator.DeviceCount);
        var changes = new List<Alert>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var opened = new List<(string Enterprise, string Device, DateTimeOffset At)>();
        for (var m = 0; m < hours * 60; m++)
        {
            var at = start + (step * m);
            reports.Clear();
            generator.Tick(at, step, reports);
            changes.Clear();
            engine.Process(new ReportBatch([.. reports], at), changes);
            foreach (var alert in changes)
            {
                if (alert.RuleId.StartsWith("anomaly.", StringComparison.Ordinal) && seen.Add(alert.AlertId))
                {
                    opened.Add((alert.EnterpriseId, alert.Key[(alert.Key.LastIndexOf('|') + 1)..], alert.FirstSeen));
                }
            }
        }
        var events = generator.Violations.Where(v => ExcursionKinds.Contains(v.Kind)).ToLookup(v => (v.Enterprise.ToString(), v.DeviceId));
        bool During(InjectedViolation v, DateTimeOffset at) => at >= v.Start - TimeSpan.FromMinutes(2) && at <= v.End + TimeSpan.FromMinutes(5);
        var atEvents = opened.Count(a => events[(a.Enterprise, a.Device)].Any(v => During(v, a.At)));
        var alertsByDevice = opened.ToLookup(a => (a.Enterprise, a.Device), a => a.At);
        var all = events.SelectMany(g => g).ToList();
        var alerted = all.Count(v => alertsByDevice[(v.Enterprise.ToString(), v.DeviceId)].Any(at => During(v, at)));
        return new DemoAlertResult(generator.DeviceCount, hours, all.Count, alerted, opened.Count, atEvents);
    }

    // Alerts do not depend on the risk score, so the run needs no model.
    private sealed class UnscoredModel : IRiskScorer
    {
        public string ModelVersion => "none";

        public double Score(ReadOnlySpan<float> features) => 0;
    }
}

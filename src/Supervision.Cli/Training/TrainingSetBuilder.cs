using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Scoring.Models;
using Supervision.Scoring.Training;
using Supervision.Simulation.Feeds;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;

namespace Supervision.Cli.Training;

/// <summary>
/// Builds labelled rows from simulator history: the simulator's reports go through the same
/// <see cref="SupervisionEngine"/> the server runs, and at simulated inspections the engine's feature vector
/// for the enterprise is paired with the simulator's ground-truth outcome. Same code at training and serving.
/// </summary>
public static class TrainingSetBuilder
{
    /// <summary>
    /// Simulates <paramref name="days"/> days of one reading a minute per device; inspections start after the first
    /// day. <paramref name="hoursDone"/> is told each simulated hour, for a progress bar.
    /// </summary>
    public static List<RiskRow> Build(int enterprises, int days, int seed, RuleOptions rules, IProgress<string>? progress, Action<int>? hoursDone = null)
    {
        var generator = ReportGenerator.Create(enterprises, seed);
        var engine = new SupervisionEngine(rules, new UnscoredModel());
        var inspections = new Random(seed + 2);
        var rows = new List<RiskRow>();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var step = TimeSpan.FromMinutes(1);
        var reports = new List<Report>(generator.DeviceCount);
        var changes = new List<Alert>();
        var features = new float[RiskFeatures.Count];
        var minutes = days * 24 * 60;
        for (var m = 0; m < minutes; m++)
        {
            var at = start + (step * m);
            reports.Clear();
            generator.Tick(at, step, reports);
            changes.Clear();
            engine.Process(new ReportBatch([.. reports], at), changes);
            if (m % 60 == 59)
            {
                hoursDone?.Invoke((m + 1) / 60);
            }
            if (m % 60 != 59 || m < 24 * 60)
            {
                continue;
            }
            // Each hour, about one enterprise in 24 is inspected: once a day on average, at random hours.
            for (var e = 0; e < generator.Enterprises.Count; e++)
            {
                if (inspections.Next(24) != 0 || !engine.TryGetFeatures(generator.Enterprises[e].Id, at, features))
                {
                    continue;
                }
                rows.Add(new RiskRow { Features = [.. features], Label = generator.Inspect(e, at) });
            }
            if (m % (6 * 60) == 6 * 60 - 1)
            {
                progress?.Report($"simulated {(m + 1) / 60} of {days * 24} h, {rows.Count} inspections");
            }
        }
        return rows;
    }

    // Features do not depend on the score, so training runs the engine without a model.
    private sealed class UnscoredModel : IRiskScorer
    {
        public string ModelVersion => "none";

        public double Score(ReadOnlySpan<float> features) => 0;
    }
}

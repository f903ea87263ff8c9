using Supervision.Scoring.Anomaly;
using Supervision.Scoring.Anomaly.Baseline;
using Supervision.Simulation.Series;

namespace Supervision.Cli.Anomaly;

/// <summary>
/// Runs <see cref="OnlineAnomalyDetector"/> and, for comparison, <see cref="PreviousAnomalyDetector"/> over the real
/// labelled corpus (<see cref="SkabCorpus"/>) and labelled simulator series (<see cref="SensorSeriesGenerator"/>),
/// and scores both with <see cref="WindowScorer"/> at a sweep of thresholds.
/// </summary>
public static class AnomalyEvaluation
{
    /// <summary>Thresholds of the sweep: 0.05 to 0.95 by 0.05, and 0.99.</summary>
    public static IReadOnlyList<double> Thresholds { get; } = [.. Enumerable.Range(1, 19).Select(i => i * 0.05), 0.99];

    /// <summary>Score levels at which the share of normal readings is reported (the calibration table).</summary>
    public static IReadOnlyList<double> CalibrationLevels { get; } = [0.3, 0.5, 0.7, 0.9, 0.99];

    /// <summary>Index of 0.9 in <see cref="CalibrationLevels"/>.</summary>
    public const int AlertLevel = 3;

    /// <summary>Runs both detectors over both corpora, and the engine over <paramref name="demoHours"/> hours of the demo feed.</summary>
    public static AnomalyEvaluationResult Run(IReadOnlyList<EvaluationSeries> real, int simulatedSeries, int days, int seed, AnomalyOptions options, int demoHours)
    {
        var simulated = Simulated(simulatedSeries, days, seed);
        var detector = new OnlineAnomalyDetector(options);
        Func<EvaluationSeries, double[]> current = s => ScoreCurrent(detector, s);
        Func<EvaluationSeries, double[]> previous = ScorePrevious;
        return new AnomalyEvaluationResult(
            simulatedSeries,
            days,
            seed,
            new DetectorEvaluation("OnlineAnomalyDetector", Evaluate("real (SKAB)", real, current), Evaluate("simulator", simulated, current)),
            new DetectorEvaluation("PreviousAnomalyDetector", Evaluate("real (SKAB)", real, previous), Evaluate("simulator", simulated, previous)),
            DemoAlertRate.Measure(demoHours),
            Naming(detector, simulated));
    }

    private static List<KindNaming> Naming(OnlineAnomalyDetector detector, IReadOnlyList<EvaluationSeries> series)
    {
        var named = new SortedDictionary<string, Dictionary<AnomalyKind, int>>(StringComparer.Ordinal);
        foreach (var s in series)
        {
            var state = default(AnomalyState);
            var scores = new double[s.Values.Length];
            var kinds = new AnomalyKind[s.Values.Length];
            for (var t = 0; t < scores.Length; t++)
            {
                scores[t] = detector.Update(ref state, s.Ticks[t], s.Values[t]);
                kinds[t] = state.Kind;
            }
            foreach (var a in s.Anomalies)
            {
                // A level shift looks like a spike at its first reading; the open alert takes the name of its
                // latest flagged reading, so the name is read up to two readings after the first flag.
                var first = Array.FindIndex(scores, a.Start, a.End - a.Start + 1, x => x >= 0.5);
                if (first >= 0)
                {
                    var last = first;
                    for (var t = first + 1; t <= Math.Min(first + 2, scores.Length - 1); t++)
                    {
                        last = scores[t] >= 0.5 ? t : last;
                    }
                    var counts = named.TryGetValue(a.Kind, out var c) ? c : named[a.Kind] = [];
                    counts[kinds[last]] = counts.GetValueOrDefault(kinds[last]) + 1;
                }
            }
        }
        return [.. named.Select(n => new KindNaming(n.Key, n.Value.Values.Sum(), n.Value.Where(k => k.Key.IsSensorFault()).Sum(k => k.Value), n.Value))];
    }

    /// <summary>Labelled simulator series as evaluation series (one reading a minute).</summary>
    public static IReadOnlyList<EvaluationSeries> Simulated(int count, int days, int seed) =>
        [.. SensorSeriesGenerator.Create(count, days, seed).Select(s => new EvaluationSeries(
            s.Name,
            [.. Enumerable.Range(0, s.Values.Length).Select(i => s.At(i).UtcTicks)],
            s.Values,
            [.. s.Anomalies.Select(a => new LabelledWindow(a.Kind, a.Start, a.End))]))];

    /// <summary>The detector's scores of every reading of <paramref name="series"/>, in order.</summary>
    public static double[] ScoreCurrent(OnlineAnomalyDetector detector, EvaluationSeries series)
    {
        var state = default(AnomalyState);
        var scores = new double[series.Values.Length];
        for (var t = 0; t < scores.Length; t++)
        {
            scores[t] = detector.Update(ref state, series.Ticks[t], series.Values[t]);
        }
        return scores;
    }

    private static double[] ScorePrevious(EvaluationSeries series)
    {
        var state = default(PreviousAnomalyDetector.State);
        var scores = new double[series.Values.Length];
        for (var t = 0; t < scores.Length; t++)
        {
            scores[t] = PreviousAnomalyDetector.Update(ref state, series.Values[t]);
        }
        return scores;
    }

    private static CorpusEvaluation Evaluate(string corpus, IReadOnlyList<EvaluationSeries> all, Func<EvaluationSeries, double[]> score)
    {
        var perSeries = new List<SeriesEvaluation>();
        var sweep = Thresholds.Select(_ => WindowScore.Empty).ToArray();
        var atOrOver = new long[CalibrationLevels.Count];
        long normalReadings = 0;
        var kinds = all.SelectMany(s => s.Anomalies).Select(a => a.Kind).Distinct().Order().ToList();
        var byKind = kinds.ToDictionary(k => k, _ => (At09: WindowScore.Empty, At05: WindowScore.Empty));
        foreach (var series in all)
        {
            var scores = score(series);
            for (var i = 0; i < Thresholds.Count; i++)
            {
                sweep[i] += WindowScorer.Score(series, scores, Thresholds[i]);
            }
            var normal = WindowScorer.Normal(series, scores.Length);
            long normalCount = 0, flagged = 0;
            for (var t = 0; t < scores.Length; t++)
            {
                if (!normal[t])
                {
                    continue;
                }
                normalCount++;
                flagged += scores[t] >= 0.9 ? 1 : 0;
                for (var l = 0; l < CalibrationLevels.Count; l++)
                {
                    atOrOver[l] += scores[t] >= CalibrationLevels[l] ? 1 : 0;
                }
            }
            normalReadings += normalCount;
            perSeries.Add(new SeriesEvaluation(series.Name, scores.Length, WindowScorer.Score(series, scores, 0.9), WindowScorer.Score(series, scores, 0.5), normalCount, flagged));
            if (kinds.Count > 1)
            {
                foreach (var kind in kinds)
                {
                    var only = series with { Anomalies = [.. series.Anomalies.Where(a => a.Kind == kind)] };
                    var (at09, at05) = byKind[kind];
                    byKind[kind] = (at09 + WindowScorer.Score(only, scores, 0.9), at05 + WindowScorer.Score(only, scores, 0.5));
                }
            }
        }
        var kindResults = kinds.Count > 1 ? kinds.Select(k => new KindEvaluation(k, byKind[k].At09, byKind[k].At05)).ToList() : [];
        return new CorpusEvaluation(corpus, perSeries, [.. Thresholds.Select((t, i) => (t, sweep[i]))], normalReadings, atOrOver, kindResults);
    }
}

using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using Supervision.Scoring.Features;
using Supervision.Scoring.Models;

namespace Supervision.Scoring.Training;

/// <summary>Raised when training data cannot give a usable model; the message names the problem.</summary>
public sealed class TrainingDataException(string message) : Exception(message);

/// <summary>Parameters of a training run.</summary>
public sealed class RiskTrainerOptions
{
    public string Name { get; set; } = "risk";

    /// <summary>The sector the model is for (wire name), or empty.</summary>
    public string Sector { get; set; } = "";

    /// <summary>How the rows were made, for the card.</summary>
    public string Data { get; set; } = "";
    public int Version { get; set; } = 1;
    public int Seed { get; set; } = 42;
    public int Trees { get; set; } = 100;
    public int Leaves { get; set; } = 16;
    public int MinimumExamplesPerLeaf { get; set; } = 20;
    public double LearningRate { get; set; } = 0.1;
    public double HoldoutFraction { get; set; } = 0.2;

    /// <summary>Fewest positive (and negative) examples a run accepts.</summary>
    public int MinimumPerClass { get; set; } = 20;
}

/// <summary>A trained model and what is known about it.</summary>
public sealed record TrainedModel(MLContext Context, ITransformer Model, DataViewSchema InputSchema, ModelInfo Info);

/// <summary>
/// Trains the binary risk classifier (FastTree; single-threaded, so deterministic for a seed) on labelled
/// feature vectors and measures it on a holdout split.
/// </summary>
public static class RiskTrainer
{
    /// <summary>Trains on <paramref name="rows"/>; throws <see cref="TrainingDataException"/> when the data cannot work.</summary>
    public static TrainedModel Train(IReadOnlyList<RiskRow> rows, RiskTrainerOptions options, DateTimeOffset now, IProgress<string>? progress = null)
    {
        var positives = 0;
        foreach (var row in rows)
        {
            if (row.Features.Length != RiskFeatures.Count)
            {
                throw new TrainingDataException($"feature schema mismatch: a row has {row.Features.Length} features, the model expects {RiskFeatures.Count} ({string.Join(", ", RiskFeatures.Names)})");
            }
            positives += row.Label ? 1 : 0;
        }
        var negatives = rows.Count - positives;
        if (positives < options.MinimumPerClass || negatives < options.MinimumPerClass)
        {
            throw new TrainingDataException($"too few examples of a class: {positives} positive and {negatives} negative of {rows.Count}; need at least {options.MinimumPerClass} of each (simulate more enterprises or days)");
        }

        var context = new MLContext(options.Seed);
        var data = context.Data.LoadFromEnumerable(rows);
        var split = context.Data.TrainTestSplit(data, options.HoldoutFraction, seed: options.Seed);
        progress?.Report($"training FastTree: {options.Trees} trees, {options.Leaves} leaves, {rows.Count} rows ({positives} positive)");

        var trainer = context.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            FeatureColumnName = nameof(RiskRow.Features),
            LabelColumnName = nameof(RiskRow.Label),
            NumberOfTrees = options.Trees,
            NumberOfLeaves = options.Leaves,
            MinimumExampleCountPerLeaf = options.MinimumPerClass,
            LearningRate = options.LearningRate,
            NumberOfThreads = 1,
            Seed = options.Seed,
        });
        var model = trainer.Fit(split.TrainSet);
        progress?.Report("evaluating on the holdout split");
        var scored = model.Transform(split.TestSet);
        var metrics = context.BinaryClassification.Evaluate(scored, nameof(RiskRow.Label));
        var holdoutRows = (int)(split.TestSet.GetRowCount() ?? CountRows(context, split.TestSet));
        var (brier, reliability) = Calibration(context, scored);
        var platt = model.Model.Calibrator;

        var info = new ModelInfo
        {
            Name = options.Name,
            Version = options.Version,
            Features = RiskFeatures.Names,
            TrainedAt = now,
            Seed = options.Seed,
            TrainingRows = rows.Count - holdoutRows,
            HoldoutRows = holdoutRows,
            HoldoutAuc = Math.Round(metrics.AreaUnderRocCurve, 4),
            HoldoutPrAuc = Math.Round(metrics.AreaUnderPrecisionRecallCurve, 4),
            PositiveRate = Math.Round((double)positives / rows.Count, 4),
            Trainer = $"FastTree binary: {options.Trees} trees, {options.Leaves} leaves, learning rate {options.LearningRate}, min {options.MinimumPerClass} per leaf",
            Sector = options.Sector,
            Data = options.Data,
            Calibration = FormattableString.Invariant($"Platt: p = 1 / (1 + exp({platt.Slope:0.####} · score + {platt.Offset:0.####}))"),
            HoldoutBrier = Math.Round(brier, 4),
            Reliability = reliability,
        };
        return new TrainedModel(context, model, data.Schema, info);
    }

    // Brier score and a five-bin reliability table of the holdout probabilities.
    private static (double Brier, IReadOnlyList<ReliabilityBin> Bins) Calibration(MLContext context, IDataView scored)
    {
        const int Bins = 5;
        var rows = new int[Bins];
        var predicted = new double[Bins];
        var positives = new double[Bins];
        double squares = 0;
        var count = 0;
        foreach (var row in context.Data.CreateEnumerable<ScoredRow>(scored, reuseRowObject: true))
        {
            var bin = Math.Min(Bins - 1, (int)(row.Probability * Bins));
            rows[bin]++;
            predicted[bin] += row.Probability;
            positives[bin] += row.Label ? 1 : 0;
            var error = row.Probability - (row.Label ? 1.0 : 0.0);
            squares += error * error;
            count++;
        }
        var table = new List<ReliabilityBin>(Bins);
        for (var b = 0; b < Bins; b++)
        {
            table.Add(new ReliabilityBin(
                (double)b / Bins,
                (double)(b + 1) / Bins,
                rows[b],
                rows[b] > 0 ? Math.Round(predicted[b] / rows[b], 4) : 0,
                rows[b] > 0 ? Math.Round(positives[b] / rows[b], 4) : 0));
        }
        return (count > 0 ? squares / count : 0, table);
    }

    private sealed class ScoredRow
    {
        public bool Label { get; set; }

        public float Probability { get; set; }
    }

    private static long CountRows(MLContext context, IDataView view)
    {
        var column = context.Data.CreateEnumerable<RiskRow>(view, reuseRowObject: true);
        return column.LongCount();
    }
}

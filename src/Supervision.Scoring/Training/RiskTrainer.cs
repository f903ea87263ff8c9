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
        var metrics = context.BinaryClassification.Evaluate(model.Transform(split.TestSet), nameof(RiskRow.Label));
        var holdoutRows = (int)(split.TestSet.GetRowCount() ?? CountRows(context, split.TestSet));

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
        };
        return new TrainedModel(context, model, data.Schema, info);
    }

    private static long CountRows(MLContext context, IDataView view)
    {
        var column = context.Data.CreateEnumerable<RiskRow>(view, reuseRowObject: true);
        return column.LongCount();
    }
}

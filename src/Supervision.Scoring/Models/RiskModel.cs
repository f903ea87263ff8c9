using Microsoft.ML;
using Supervision.Scoring.Features;
using Supervision.Scoring.Training;

namespace Supervision.Scoring.Models;

/// <summary>Scores enterprise feature vectors; the version it reports goes on every score.</summary>
public interface IRiskScorer
{
    /// <summary>The model tag, e.g. <c>risk@3</c>.</summary>
    string ModelVersion { get; }

    /// <summary>Probability, 0 to 1, that the next inspection finds a violation.</summary>
    double Score(ReadOnlySpan<float> features);
}

/// <summary>
/// A loaded ML.NET risk model behind a <see cref="PredictionEngine{TSrc,TDst}"/>. Not thread-safe: the pipeline
/// calls it from one thread.
/// </summary>
public sealed class RiskModel : IRiskScorer
{
    private readonly PredictionEngine<RiskRow, RiskPrediction> _engine;
    private readonly RiskRow _row = new();
    private readonly RiskPrediction _prediction = new();

    internal RiskModel(MLContext context, ITransformer model, ModelInfo info)
    {
        Info = info;
        Model = model;
        _engine = context.Model.CreatePredictionEngine<RiskRow, RiskPrediction>(model);
    }

    /// <summary>What the registry knows of the model.</summary>
    public ModelInfo Info { get; }

    /// <summary>The ML.NET transformer chain.</summary>
    public ITransformer Model { get; }

    /// <inheritdoc/>
    public string ModelVersion => Info.Tag;

    /// <inheritdoc/>
    public double Score(ReadOnlySpan<float> features)
    {
        if (features.Length != RiskFeatures.Count)
        {
            throw new ArgumentException($"expected {RiskFeatures.Count} features, got {features.Length}", nameof(features));
        }
        features.CopyTo(_row.Features);
        var prediction = _prediction;
        _engine.Predict(_row, ref prediction);
        return prediction.Probability;
    }
}

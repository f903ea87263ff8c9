using Microsoft.ML;
using Supervision.Scoring.Compiled;
using Supervision.Scoring.Features;
using Supervision.Scoring.Training;

namespace Supervision.Scoring.Models;

/// <summary>Scores enterprise feature vectors; the version it reports goes on every score.</summary>
public interface IRiskScorer
{
    /// <summary>The model tag, e.g. <c>food@3</c>.</summary>
    string ModelVersion { get; }

    /// <summary>Probability, 0 to 1, that the next inspection finds a violation.</summary>
    double Score(ReadOnlySpan<float> features);

    /// <summary>
    /// The score, and each feature's contribution to it in probability units written to
    /// <paramref name="contributions"/> (length <see cref="RiskFeatures.Count"/>). A scorer that cannot attribute
    /// writes zeros.
    /// </summary>
    double Score(ReadOnlySpan<float> features, Span<double> contributions)
    {
        contributions.Clear();
        return Score(features);
    }
}

/// <summary>
/// A loaded risk model: the ML.NET transformer (the reference, behind a <see cref="PredictionEngine{TSrc,TDst}"/>)
/// and its compiled form (<see cref="CompiledForest"/>), which scores on the hot path. <see cref="Score(ReadOnlySpan{float})"/>
/// is thread-safe; <see cref="ReferenceScore"/> is not.
/// </summary>
public sealed class RiskModel : IRiskScorer
{
    private readonly PredictionEngine<RiskRow, RiskPrediction> _engine;
    private readonly RiskRow _row = new();
    private readonly RiskPrediction _prediction = new();

    internal RiskModel(MLContext context, ITransformer model, ModelInfo info, CompiledForest compiled)
    {
        Info = info;
        Model = model;
        Compiled = compiled;
        _engine = context.Model.CreatePredictionEngine<RiskRow, RiskPrediction>(model);
    }

    /// <summary>What the registry knows of the model.</summary>
    public ModelInfo Info { get; }

    /// <summary>The ML.NET transformer chain.</summary>
    public ITransformer Model { get; }

    /// <summary>The same trees as flat arrays, for the hot path.</summary>
    public CompiledForest Compiled { get; }

    /// <inheritdoc/>
    public string ModelVersion => Info.Tag;

    /// <inheritdoc/>
    public double Score(ReadOnlySpan<float> features) => Compiled.Probability(features);

    /// <inheritdoc/>
    public double Score(ReadOnlySpan<float> features, Span<double> contributions)
    {
        contributions[..RiskFeatures.Count].Clear();
        var margin = Compiled.Attribute(features, contributions);
        var probability = Compiled.Calibrate(margin);
        // Attributions are exact in margin units; spread the probability change over them in the same proportions.
        var baseProbability = Compiled.Calibrate((float)Compiled.BaseMargin);
        var spread = margin - Compiled.BaseMargin;
        var scale = Math.Abs(spread) > 1e-9 ? (probability - baseProbability) / spread : 0;
        for (var i = 0; i < RiskFeatures.Count; i++)
        {
            contributions[i] *= scale;
        }
        return probability;
    }

    /// <summary>The probability ML.NET's <see cref="PredictionEngine{TSrc,TDst}"/> gives: the reference the compiled form must match.</summary>
    public double ReferenceScore(ReadOnlySpan<float> features)
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

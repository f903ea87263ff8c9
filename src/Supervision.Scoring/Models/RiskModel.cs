using System.Runtime.CompilerServices;
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

    /// <summary>
    /// <see cref="Score(ReadOnlySpan{float})"/> of <paramref name="scores"/>.Length rows laid out one after another in
    /// <paramref name="rows"/> (<see cref="RiskFeatures.Count"/> values each): the scores one row at a time gives (a
    /// compiled model may differ in the float's last bit, adding leaves in another order), faster per row.
    /// </summary>
    void ScoreBatch(ReadOnlySpan<float> rows, Span<double> scores)
    {
        for (var r = 0; r < scores.Length; r++)
        {
            scores[r] = Score(rows.Slice(r * RiskFeatures.Count, RiskFeatures.Count));
        }
    }

    /// <summary>
    /// <see cref="Score(ReadOnlySpan{float}, Span{double})"/> of <paramref name="scores"/>.Length rows laid out one
    /// after another: each row's contributions go to <paramref name="contributions"/>, <see cref="RiskFeatures.Count"/>
    /// a row, in row order.
    /// </summary>
    void ScoreBatch(ReadOnlySpan<float> rows, Span<double> scores, Span<double> contributions)
    {
        for (var r = 0; r < scores.Length; r++)
        {
            scores[r] = Score(rows.Slice(r * RiskFeatures.Count, RiskFeatures.Count), contributions.Slice(r * RiskFeatures.Count, RiskFeatures.Count));
        }
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

    // Scores go through the compiled forest in chunks of this many rows, on the stack.
    private const int Chunk = 64;

    // The probability of the base margin, where attributions start from.
    private readonly float _baseProbability;

    internal RiskModel(MLContext context, ITransformer model, ModelInfo info, CompiledForest compiled)
    {
        Info = info;
        Model = model;
        Compiled = compiled;
        _engine = context.Model.CreatePredictionEngine<RiskRow, RiskPrediction>(model);
        _baseProbability = compiled.Calibrate((float)compiled.BaseMargin);
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
        return ToProbability(margin, contributions[..RiskFeatures.Count]);
    }

    /// <inheritdoc/>
    [SkipLocalsInit]
    public void ScoreBatch(ReadOnlySpan<float> rows, Span<double> scores)
    {
        CheckBatch(rows, scores.Length);
        Span<float> probabilities = stackalloc float[Chunk];
        for (var start = 0; start < scores.Length; start += Chunk)
        {
            var n = Math.Min(Chunk, scores.Length - start);
            Compiled.ProbabilityBatch(rows.Slice(start * RiskFeatures.Count, n * RiskFeatures.Count), probabilities[..n]);
            for (var r = 0; r < n; r++)
            {
                scores[start + r] = probabilities[r];
            }
        }
    }

    /// <inheritdoc/>
    [SkipLocalsInit]
    public void ScoreBatch(ReadOnlySpan<float> rows, Span<double> scores, Span<double> contributions)
    {
        CheckBatch(rows, scores.Length);
        if (contributions.Length != scores.Length * RiskFeatures.Count)
        {
            throw new ArgumentException($"needs room for {scores.Length * RiskFeatures.Count} contributions, got {contributions.Length}", nameof(contributions));
        }
        Span<float> margins = stackalloc float[Chunk];
        for (var start = 0; start < scores.Length; start += Chunk)
        {
            var n = Math.Min(Chunk, scores.Length - start);
            var chunk = contributions.Slice(start * RiskFeatures.Count, n * RiskFeatures.Count);
            Compiled.AttributeBatch(rows.Slice(start * RiskFeatures.Count, n * RiskFeatures.Count), margins[..n], chunk);
            for (var r = 0; r < n; r++)
            {
                scores[start + r] = ToProbability(margins[r], chunk.Slice(r * RiskFeatures.Count, RiskFeatures.Count));
            }
        }
    }

    // Attributions are exact in margin units; spread the probability change over them in the same proportions.
    private double ToProbability(float margin, Span<double> contributions)
    {
        var probability = Compiled.Calibrate(margin);
        var spread = margin - Compiled.BaseMargin;
        var scale = Math.Abs(spread) > 1e-9 ? (probability - _baseProbability) / spread : 0;
        for (var i = 0; i < contributions.Length; i++)
        {
            contributions[i] *= scale;
        }
        return probability;
    }

    private static void CheckBatch(ReadOnlySpan<float> rows, int count)
    {
        if (rows.Length != count * RiskFeatures.Count)
        {
            throw new ArgumentException($"expected {count} rows of {RiskFeatures.Count} features ({count * RiskFeatures.Count} values), got {rows.Length}", nameof(rows));
        }
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

using System.Collections;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers.FastTree;

namespace Supervision.Scoring.Compiled;

/// <summary>Raised when a model is not a calibrated FastTree binary classifier the compiler understands.</summary>
public sealed class ModelCompileException(string message) : Exception(message);

/// <summary>How a <see cref="CompiledForest"/> evaluates its trees.</summary>
public enum ForestEvaluation
{
    /// <summary>Node by node from flat arrays: forests the binned tables do not fit.</summary>
    TreeWalk,

    /// <summary>
    /// Per-feature tables of leaf masks indexed by the row's threshold bin (QuickScorer's bitvectors, precombined):
    /// no per-node work at run time.
    /// </summary>
    BinnedMasks,
}

/// <summary>
/// A trained FastTree binary classifier read out of its ML.NET model (splits, thresholds, children, leaf values,
/// the Platt calibrator) and evaluated with plain loops over flat tables: the same probability ML.NET's
/// <c>PredictionEngine</c> gives, without its per-row pipeline overhead. Immutable and thread-safe; scoring
/// allocates nothing.
/// </summary>
/// <remarks>
/// <para>Forests of up to 64 leaves a tree (FastTree's default is 20), at most 4 KB of masks a row (2,048 trees of 16
/// leaves), 1 to 512 features split on and 32 MB of tables are evaluated as binned leaf masks
/// (<see cref="ForestEvaluation.BinnedMasks"/>): per row, one threshold bin per feature, an AND of one precomputed
/// mask row per feature, one leaf read per tree (see <c>BinnedEnsemble</c>). Other forests are walked node by node.
/// Both follow FastTree's rule: a numerical node goes left when the value is <c>&lt;=</c> its threshold, otherwise
/// right (so NaN goes right); a categorical node goes right when any of its one-hot slots is <c>&gt; 0</c> (so NaN
/// goes left). The margin is summed in double, then cast to float, as ML.NET does; the order of the sum differs, far
/// below float resolution.</para>
/// <para>The batch methods are the fast ones: blocks of eight rows go through each stage together, and with
/// AVX-512 and at most 16 leaves a tree one permute picks a tree's leaf for all eight rows. A batch and the same
/// rows one at a time agree to float precision, not always to the bit.</para>
/// </remarks>
public sealed class CompiledForest
{
    private readonly Forest _forest;
    private readonly BinnedEnsemble? _binned;

    // Internal so tests can compile forests no trainer gives (single leaves, thousands of features, broken shapes).
    internal CompiledForest(Forest forest, double slope, double offset, bool binned)
    {
        _forest = forest;
        Slope = slope;
        Offset = offset;
        _binned = binned ? BinnedEnsemble.Build(forest) : null;
    }

    /// <summary>How the trees are evaluated.</summary>
    public ForestEvaluation Evaluation => _binned is null ? ForestEvaluation.TreeWalk : ForestEvaluation.BinnedMasks;

    /// <summary>Length of the feature vector the model reads.</summary>
    public int FeatureCount => _forest.FeatureCount;

    /// <summary>Number of trees.</summary>
    public int TreeCount => _forest.Roots.Length;

    /// <summary>Platt calibrator slope: probability = 1 / (1 + exp(Slope · margin + Offset)).</summary>
    public double Slope { get; }

    /// <summary>Platt calibrator offset.</summary>
    public double Offset { get; }

    /// <summary>
    /// The margin of a row on which no split decides anything: bias plus each tree's mean leaf value. Path
    /// attributions add up to the row's margin minus this.
    /// </summary>
    public double BaseMargin => _forest.BaseMargin;

    /// <summary>
    /// Reads the ensemble and calibrator out of <paramref name="model"/>: a calibrated FastTree binary prediction
    /// transformer, alone or last in a transformer chain, whose feature column has <paramref name="featureCount"/> slots.
    /// </summary>
    public static CompiledForest Compile(ITransformer model, int featureCount) => Compile(model, featureCount, binned: true);

    // binned: false keeps the tree walk, so tests can hold both evaluations against ML.NET.
    internal static CompiledForest Compile(ITransformer model, int featureCount, bool binned)
    {
        var last = model;
        while (last is IEnumerable chain)
        {
            ITransformer? tail = null;
            foreach (var item in chain)
            {
                tail = item as ITransformer;
            }
            last = tail ?? throw new ModelCompileException("the model is an empty transformer chain");
        }
        if (last is not ISingleFeaturePredictionTransformer<object> predictor)
        {
            throw new ModelCompileException($"the model ends in {last.GetType().Name}, not a prediction transformer");
        }
        // Loaded models are generic over interfaces (IPredictorProducing, ICalibrator), so the concrete
        // parameter types are reached through the SubModel and Calibrator properties every calibrated model has.
        var parameters = predictor.Model;
        var subModel = Property(parameters, "SubModel");
        var calibrator = Property(parameters, "Calibrator");
        if (subModel is not FastTreeBinaryModelParameters fastTree)
        {
            throw new ModelCompileException($"the model's predictor is {subModel?.GetType().Name ?? "missing"}, not FastTree binary");
        }
        if (calibrator is not PlattCalibrator platt)
        {
            throw new ModelCompileException($"the model's calibrator is {calibrator?.GetType().Name ?? "missing"}, not Platt");
        }
        var ensemble = fastTree.TrainedTreeEnsemble;
        var trees = new List<RegressionTreeBase>(ensemble.Trees.Count);
        foreach (var tree in ensemble.Trees)
        {
            trees.Add(tree);
        }
        return new CompiledForest(new Forest(featureCount, trees, ensemble.TreeWeights, ensemble.Bias), platt.Slope, platt.Offset, binned);
    }

    /// <summary>The raw margin (ML.NET's <c>Score</c>) of one row.</summary>
    public float Margin(ReadOnlySpan<float> row)
    {
        CheckRow(row);
        return (float)(_binned is { } binned ? binned.Margin(row) : _forest.Margin(row));
    }

    /// <summary>The calibrated probability (ML.NET's <c>Probability</c>) of one row.</summary>
    public float Probability(ReadOnlySpan<float> row) => Calibrate(Margin(row));

    /// <summary>
    /// Probabilities of <paramref name="probabilities"/>.Length rows laid out one after another in
    /// <paramref name="rows"/> (row-major, <see cref="FeatureCount"/> values each). Allocates nothing.
    /// </summary>
    public void ProbabilityBatch(ReadOnlySpan<float> rows, Span<float> probabilities)
    {
        MarginBatch(rows, probabilities);
        for (var r = 0; r < probabilities.Length; r++)
        {
            probabilities[r] = Calibrate(probabilities[r]);
        }
    }

    /// <summary>Margins of <paramref name="margins"/>.Length rows laid out as for <see cref="ProbabilityBatch"/>.</summary>
    public void MarginBatch(ReadOnlySpan<float> rows, Span<float> margins)
    {
        var count = margins.Length;
        if (rows.Length != count * FeatureCount)
        {
            throw new ArgumentException($"expected {count} rows of {FeatureCount} features ({count * FeatureCount} values), got {rows.Length}", nameof(rows));
        }
        if (_binned is { } binned)
        {
            binned.Margins(rows, margins);
        }
        else
        {
            _forest.Margins(rows, margins);
        }
    }

    /// <summary>
    /// Exact path attribution: credits the feature split on at each step of each tree's path with the change in
    /// the mean leaf value below the node, so <paramref name="contributions"/> (margin units, added to, length
    /// <see cref="FeatureCount"/>) sum to the margin minus <see cref="BaseMargin"/>. Returns the margin. Without
    /// categorical splits each exit leaf's share is precomputed, so this costs about what <see cref="Margin"/> does.
    /// </summary>
    public float Attribute(ReadOnlySpan<float> row, Span<double> contributions)
    {
        CheckRow(row);
        if (contributions.Length < FeatureCount)
        {
            throw new ArgumentException($"needs room for {FeatureCount} contributions", nameof(contributions));
        }
        contributions = contributions[..FeatureCount];
        return (float)(_binned is { CanAttribute: true } binned ? binned.Attribute(row, contributions) : _forest.Attribute(row, contributions));
    }

    /// <summary>
    /// <see cref="Attribute"/> for <paramref name="margins"/>.Length rows laid out as for <see cref="ProbabilityBatch"/>:
    /// writes each row's margin and its <see cref="FeatureCount"/> contributions (overwritten, row after row, into
    /// <paramref name="contributions"/>). Allocates nothing.
    /// </summary>
    public void AttributeBatch(ReadOnlySpan<float> rows, Span<float> margins, Span<double> contributions)
    {
        var count = margins.Length;
        if (rows.Length != count * FeatureCount)
        {
            throw new ArgumentException($"expected {count} rows of {FeatureCount} features ({count * FeatureCount} values), got {rows.Length}", nameof(rows));
        }
        if (contributions.Length != count * FeatureCount)
        {
            throw new ArgumentException($"needs room for {count * FeatureCount} contributions, got {contributions.Length}", nameof(contributions));
        }
        if (_binned is { CanAttribute: true } binned)
        {
            binned.Attributes(rows, margins, contributions);
            return;
        }
        contributions.Clear();
        for (var r = 0; r < count; r++)
        {
            margins[r] = (float)_forest.Attribute(rows.Slice(r * FeatureCount, FeatureCount), contributions.Slice(r * FeatureCount, FeatureCount));
        }
    }

    // The walk's attribution, whatever the evaluation: the reference the per-leaf records are tested against.
    internal float AttributeByWalk(ReadOnlySpan<float> row, Span<double> contributions) => (float)_forest.Attribute(row, contributions);

    /// <summary>Platt calibration of a margin, computed exactly as ML.NET's <see cref="PlattCalibrator"/> does.</summary>
    public float Calibrate(float margin) =>
        float.IsNaN(margin) ? margin : (float)(1 / (1 + Math.Exp((Slope * margin) + Offset)));

    private void CheckRow(ReadOnlySpan<float> row)
    {
        if (row.Length != FeatureCount)
        {
            throw new ArgumentException($"expected {FeatureCount} features, got {row.Length}", nameof(row));
        }
    }

    // The most derived declaration: calibrated model types redeclare SubModel with a narrower type.
    private static object? Property(object target, string name)
    {
        for (var type = target.GetType(); type is not null; type = type.BaseType)
        {
            if (type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly) is { } property)
            {
                return property.GetValue(target);
            }
        }
        return null;
    }
}

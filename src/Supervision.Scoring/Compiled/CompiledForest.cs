using System.Collections;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Trainers.FastTree;

namespace Supervision.Scoring.Compiled;

/// <summary>Raised when a model is not a calibrated FastTree binary classifier the compiler understands.</summary>
public sealed class ModelCompileException(string message) : Exception(message);

/// <summary>
/// A trained FastTree binary classifier read out of its ML.NET model into flat arrays (splits, thresholds,
/// children, leaf values, the Platt calibrator) and evaluated with plain loops: the same probability ML.NET's
/// <c>PredictionEngine</c> gives, without its per-row pipeline overhead. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// Where the CPU has AVX-512 and the model fits (at most 16 features and 16 leaves a tree, no categorical
/// splits), trees are evaluated 16 at a time by leaf elimination (see the vector layout below); otherwise each
/// tree is walked from flat arrays. Both follow FastTree's own rule: a numerical node goes to the left child when the value is
/// <c>&lt;=</c> its threshold, otherwise right (so NaN goes right); a categorical node goes right when any of its
/// one-hot slots is <c>&gt; 0</c>, otherwise left (so NaN goes left). Children ≥ 0 are node indices; a child
/// <c>c &lt; 0</c> is leaf <c>~c</c> in the global leaf array. The margin is summed in double, in tree order,
/// then cast to float, as ML.NET does.
/// </remarks>
public sealed class CompiledForest
{
    // Batches are scored in chunks of this many rows with a stack buffer, so batch scoring allocates nothing.
    private const int Chunk = 64;

    private readonly int[] _roots;
    private readonly int[] _feature;
    private readonly float[] _threshold;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly int[] _categoricalStart;
    private readonly int[] _categoricalCount;
    private readonly int[] _categoricalFeatures;
    private readonly double[] _leafValue;
    private readonly double[] _nodeMean;
    private readonly double _bias;
    private readonly double _baseMargin;

    // The vector layout (null when the model does not fit it): trees in groups of 16, one tree per lane; slot k
    // of a group holds the k-th internal node of each of its trees. Walking is replaced by elimination
    // (QuickScorer): a node whose test sends the row right rules out the leaves of its left subtree, so ANDing
    // every node's mask leaves the exit leaf as the lowest set bit, with leaves numbered left to right.
    private readonly int[]? _slotFeature;
    private readonly float[]? _slotThreshold;
    private readonly int[]? _slotRightMask;
    private readonly int[]? _groupSlots;
    private readonly double[]? _inOrderLeafValue;

    private CompiledForest(int featureCount, List<RegressionTreeBase> trees, IReadOnlyList<double> weights, double bias, double slope, double offset)
    {
        FeatureCount = featureCount;
        Slope = slope;
        Offset = offset;
        _bias = bias;
        var nodes = 0;
        var leaves = 0;
        var categorical = 0;
        foreach (var tree in trees)
        {
            nodes += tree.NumberOfNodes;
            leaves += tree.NumberOfLeaves;
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                categorical += tree.CategoricalSplitFlags[n] ? tree.GetCategoricalSplitFeaturesAt(n).Count : 0;
            }
        }
        _roots = new int[trees.Count];
        _feature = new int[nodes];
        _threshold = new float[nodes];
        _left = new int[nodes];
        _right = new int[nodes];
        _categoricalStart = new int[nodes];
        _categoricalCount = new int[nodes];
        _categoricalFeatures = new int[categorical];
        _leafValue = new double[leaves];
        _nodeMean = new double[nodes];
        int nodeBase = 0, leafBase = 0, catBase = 0;
        _baseMargin = bias;
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            var weight = t < weights.Count ? weights[t] : 1.0;
            for (var l = 0; l < tree.NumberOfLeaves; l++)
            {
                _leafValue[leafBase + l] = weight * tree.LeafValues[l];
            }
            _roots[t] = tree.NumberOfNodes == 0 ? ~leafBase : nodeBase;
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                var g = nodeBase + n;
                _left[g] = Relocate(tree.LeftChild[n], nodeBase, leafBase);
                _right[g] = Relocate(tree.RightChild[n], nodeBase, leafBase);
                if (tree.CategoricalSplitFlags[n])
                {
                    var slots = tree.GetCategoricalSplitFeaturesAt(n);
                    _categoricalStart[g] = catBase;
                    _categoricalCount[g] = slots.Count;
                    for (var s = 0; s < slots.Count; s++)
                    {
                        _categoricalFeatures[catBase++] = slots[s];
                        if (slots[s] >= featureCount)
                        {
                            throw new ModelCompileException($"tree {t} node {n} splits on slot {slots[s]}, beyond the {featureCount} input features");
                        }
                    }
                    _feature[g] = slots.Count > 0 ? slots[0] : 0;
                }
                else
                {
                    _feature[g] = tree.NumericalSplitFeatureIndexes[n];
                    _threshold[g] = tree.NumericalSplitThresholds[n];
                    if (_feature[g] >= featureCount)
                    {
                        throw new ModelCompileException($"tree {t} node {n} splits on feature {_feature[g]}, beyond the {featureCount} input features");
                    }
                }
            }
            _baseMargin += Mean(_roots[t], out _);
            nodeBase += tree.NumberOfNodes;
            leafBase += tree.NumberOfLeaves;
        }
        if (Avx512F.IsSupported && Avx512CD.IsSupported && trees.Count <= MaxVectorTrees && featureCount <= Lanes && categorical == 0 && trees.TrueForAll(t => t.NumberOfLeaves <= Lanes))
        {
            var groups = (trees.Count + Lanes - 1) / Lanes;
            _groupSlots = new int[groups];
            _slotFeature = new int[groups * (Lanes - 1) * Lanes];
            _slotThreshold = new float[_slotFeature.Length];
            _slotRightMask = new int[_slotFeature.Length];
            Array.Fill(_slotRightMask, -1);
            _inOrderLeafValue = new double[groups * Lanes * Lanes];
            for (var t = 0; t < trees.Count; t++)
            {
                LayOut(t, trees[t].NumberOfNodes);
            }
            VectorPath = true;
        }
    }

    private const int Lanes = 16;

    // Exit leaves of a batch of four rows live on the stack: 4 × 1024 ints at most.
    private const int MaxVectorTrees = 1024;

    /// <summary>True when scoring runs on the AVX-512 elimination layout; false on the scalar tree walk.</summary>
    public bool VectorPath { get; }

    // Fills tree t's lane of its group: slot k = its k-th internal node, leaves renumbered left to right.
    private void LayOut(int t, int internalNodes)
    {
        int group = t / Lanes, lane = t % Lanes;
        _groupSlots![group] = Math.Max(_groupSlots[group], internalNodes);
        var leafOrder = 0;
        var root = _roots[t];
        var firstNode = root >= 0 ? root : 0;
        Visit(root);

        // Returns the in-order leaf mask of the subtree at node.
        int Visit(int node)
        {
            if (node < 0)
            {
                _inOrderLeafValue![(((group * Lanes) + lane) * Lanes) + leafOrder] = _leafValue[~node];
                return 1 << leafOrder++;
            }
            var left = Visit(_left[node]);
            var right = Visit(_right[node]);
            var slot = ((((group * (Lanes - 1)) + (node - firstNode)) * Lanes)) + lane;
            _slotFeature![slot] = _feature[node];
            _slotThreshold![slot] = _threshold[node];
            _slotRightMask![slot] = ~left;
            return left | right;
        }
    }

    /// <summary>Length of the feature vector the model reads.</summary>
    public int FeatureCount { get; }

    /// <summary>Number of trees.</summary>
    public int TreeCount => _roots.Length;

    /// <summary>Platt calibrator slope: probability = 1 / (1 + exp(Slope · margin + Offset)).</summary>
    public double Slope { get; }

    /// <summary>Platt calibrator offset.</summary>
    public double Offset { get; }

    /// <summary>
    /// The margin of a row on which no split decides anything: bias plus each tree's mean leaf value. Path
    /// attributions add up to the row's margin minus this.
    /// </summary>
    public double BaseMargin => _baseMargin;

    /// <summary>
    /// Reads the ensemble and calibrator out of <paramref name="model"/>: a calibrated FastTree binary prediction
    /// transformer, alone or last in a transformer chain, whose feature column has <paramref name="featureCount"/> slots.
    /// </summary>
    public static CompiledForest Compile(ITransformer model, int featureCount)
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
        return new CompiledForest(featureCount, trees, ensemble.TreeWeights, ensemble.Bias, platt.Slope, platt.Offset);
    }

    /// <summary>The raw margin (ML.NET's <c>Score</c>) of one row.</summary>
    public float Margin(ReadOnlySpan<float> row)
    {
        CheckRow(row);
        if (VectorPath)
        {
            return VectorMargin(row);
        }
        var sum = _bias;
        for (var t = 0; t < _roots.Length; t++)
        {
            sum += _leafValue[~Walk(_roots[t], row)];
        }
        return (float)sum;
    }

    /// <summary>The calibrated probability (ML.NET's <c>Probability</c>) of one row.</summary>
    public float Probability(ReadOnlySpan<float> row) => Calibrate(Margin(row));

    /// <summary>
    /// Probabilities of <paramref name="probabilities"/>.Length rows laid out one after another in
    /// <paramref name="rows"/> (row-major, <see cref="FeatureCount"/> values each). Tree-major order keeps each
    /// tree's nodes in cache across the rows of a chunk. Allocates nothing.
    /// </summary>
    public void ProbabilityBatch(ReadOnlySpan<float> rows, Span<float> probabilities)
    {
        var count = probabilities.Length;
        if (rows.Length != count * FeatureCount)
        {
            throw new ArgumentException($"expected {count} rows of {FeatureCount} features ({count * FeatureCount} values), got {rows.Length}", nameof(rows));
        }
        if (VectorPath)
        {
            Span<float> margins = stackalloc float[4];
            for (var r = 0; r < count; r += 4)
            {
                var n = Math.Min(4, count - r);
                VectorMargins(rows.Slice(r * FeatureCount, n * FeatureCount), margins);
                for (var i = 0; i < n; i++)
                {
                    probabilities[r + i] = Calibrate(margins[i]);
                }
            }
            return;
        }
        Span<double> sums = stackalloc double[Chunk];
        for (var start = 0; start < count; start += Chunk)
        {
            var n = Math.Min(Chunk, count - start);
            sums[..n].Fill(_bias);
            for (var t = 0; t < _roots.Length; t++)
            {
                var root = _roots[t];
                for (var r = 0; r < n; r++)
                {
                    sums[r] += _leafValue[~Walk(root, rows.Slice((start + r) * FeatureCount, FeatureCount))];
                }
            }
            for (var r = 0; r < n; r++)
            {
                probabilities[start + r] = Calibrate((float)sums[r]);
            }
        }
    }

    /// <summary>
    /// Exact path attribution: walks each tree and credits the feature split on at each step with the change in
    /// the mean leaf value below the node, so <paramref name="contributions"/> (margin units, added to, length
    /// <see cref="FeatureCount"/>) sum to the margin minus <see cref="BaseMargin"/>. Returns the margin.
    /// </summary>
    public float Attribute(ReadOnlySpan<float> row, Span<double> contributions)
    {
        CheckRow(row);
        if (contributions.Length < FeatureCount)
        {
            throw new ArgumentException($"needs room for {FeatureCount} contributions", nameof(contributions));
        }
        var sum = _bias;
        for (var t = 0; t < _roots.Length; t++)
        {
            var node = _roots[t];
            while (node >= 0)
            {
                var next = Step(node, row, out var feature);
                contributions[feature] += ValueOf(next) - _nodeMean[node];
                node = next;
            }
            sum += _leafValue[~node];
        }
        return (float)sum;
    }

    /// <summary>Platt calibration of a margin, computed exactly as ML.NET's <see cref="PlattCalibrator"/> does.</summary>
    public float Calibrate(float margin) =>
        float.IsNaN(margin) ? margin : (float)(1 / (1 + Math.Exp((Slope * margin) + Offset)));

    // alive & (goesLeft | mask) in one instruction: the truth table of A & (B | C) is 0xE0.
    private const byte AndOr = 0xE0;

    private float VectorMargin(ReadOnlySpan<float> row)
    {
        Span<float> padded = stackalloc float[Lanes];
        padded.Clear();
        row.CopyTo(padded);
        var x = Vector512.Create((ReadOnlySpan<float>)padded);
        Span<int> exits = stackalloc int[_groupSlots!.Length * Lanes];
        ref var features = ref MemoryMarshal.GetArrayDataReference(_slotFeature!);
        ref var thresholds = ref MemoryMarshal.GetArrayDataReference(_slotThreshold!);
        ref var masks = ref MemoryMarshal.GetArrayDataReference(_slotRightMask!);
        for (var group = 0; group < _groupSlots!.Length; group++)
        {
            var alive = Vector512<int>.AllBitsSet;
            var offset = (nuint)(group * (Lanes - 1) * Lanes);
            for (var k = 0; k < _groupSlots[group]; k++, offset += Lanes)
            {
                var goesLeft = Vector512.LessThanOrEqual(Avx512F.PermuteVar16x32(x, Vector512.LoadUnsafe(ref features, offset)), Vector512.LoadUnsafe(ref thresholds, offset)).AsInt32();
                alive = Avx512F.TernaryLogic(alive, goesLeft, Vector512.LoadUnsafe(ref masks, offset), AndOr);
            }
            StoreExits(alive, group, exits);
        }
        return (float)(_bias + LeafSum(exits));
    }

    // Margins of up to four rows at once: they share every load of the layout, and their independent chains keep
    // the vector units busy.
    private void VectorMargins(ReadOnlySpan<float> rows, Span<float> margins)
    {
        Span<float> padded = stackalloc float[Lanes * 4];
        padded.Clear();
        var count = rows.Length / FeatureCount;
        for (var r = 0; r < count; r++)
        {
            rows.Slice(r * FeatureCount, FeatureCount).CopyTo(padded[(r * Lanes)..]);
        }
        var x0 = Vector512.Create((ReadOnlySpan<float>)padded);
        var x1 = Vector512.Create((ReadOnlySpan<float>)padded[Lanes..]);
        var x2 = Vector512.Create((ReadOnlySpan<float>)padded[(2 * Lanes)..]);
        var x3 = Vector512.Create((ReadOnlySpan<float>)padded[(3 * Lanes)..]);
        var perRow = _groupSlots!.Length * Lanes;
        Span<int> exits = stackalloc int[4 * perRow];
        ref var features = ref MemoryMarshal.GetArrayDataReference(_slotFeature!);
        ref var thresholds = ref MemoryMarshal.GetArrayDataReference(_slotThreshold!);
        ref var masks = ref MemoryMarshal.GetArrayDataReference(_slotRightMask!);
        for (var group = 0; group < _groupSlots!.Length; group++)
        {
            var alive0 = Vector512<int>.AllBitsSet;
            var alive1 = alive0;
            var alive2 = alive0;
            var alive3 = alive0;
            var offset = (nuint)(group * (Lanes - 1) * Lanes);
            for (var k = 0; k < _groupSlots[group]; k++, offset += Lanes)
            {
                var feature = Vector512.LoadUnsafe(ref features, offset);
                var threshold = Vector512.LoadUnsafe(ref thresholds, offset);
                var mask = Vector512.LoadUnsafe(ref masks, offset);
                alive0 = Avx512F.TernaryLogic(alive0, Vector512.LessThanOrEqual(Avx512F.PermuteVar16x32(x0, feature), threshold).AsInt32(), mask, AndOr);
                alive1 = Avx512F.TernaryLogic(alive1, Vector512.LessThanOrEqual(Avx512F.PermuteVar16x32(x1, feature), threshold).AsInt32(), mask, AndOr);
                alive2 = Avx512F.TernaryLogic(alive2, Vector512.LessThanOrEqual(Avx512F.PermuteVar16x32(x2, feature), threshold).AsInt32(), mask, AndOr);
                alive3 = Avx512F.TernaryLogic(alive3, Vector512.LessThanOrEqual(Avx512F.PermuteVar16x32(x3, feature), threshold).AsInt32(), mask, AndOr);
            }
            StoreExits(alive0, group, exits);
            StoreExits(alive1, group, exits[perRow..]);
            StoreExits(alive2, group, exits[(2 * perRow)..]);
            StoreExits(alive3, group, exits[(3 * perRow)..]);
        }
        for (var r = 0; r < count; r++)
        {
            margins[r] = (float)(_bias + LeafSum(exits.Slice(r * perRow, perRow)));
        }
    }

    // The exit leaf of each of a group's 16 trees is its lowest bit still set (31 - lzcnt of the isolated bit),
    // stored as an index into the in-order leaf table. Padding lanes point at a leaf value of 0.
    private static void StoreExits(Vector512<int> alive, int group, Span<int> exits)
    {
        var exit = Vector512.Create(31 + (group * Lanes * Lanes)) + LaneBase - Avx512CD.LeadingZeroCount((alive & -alive).AsUInt32()).AsInt32();
        exit.CopyTo(exits[(group * Lanes)..]);
    }

    // Reads the exit leaves only after every group's exits are stored: loading a lane right after its vector was
    // stored stalls on store forwarding, which cost more than all the tree tests together. Four running sums
    // break the chain of dependent additions; the sum is in double like ML.NET's, grouped differently (the
    // difference is far below float resolution). Leaf reads stay bounds-checked.
    private double LeafSum(ReadOnlySpan<int> exits)
    {
        var leaves = _inOrderLeafValue!;
        ref var exit = ref MemoryMarshal.GetReference(exits);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (var i = 0; i + 3 < exits.Length; i += 4)
        {
            s0 += leaves[Unsafe.Add(ref exit, i)];
            s1 += leaves[Unsafe.Add(ref exit, i + 1)];
            s2 += leaves[Unsafe.Add(ref exit, i + 2)];
            s3 += leaves[Unsafe.Add(ref exit, i + 3)];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static Vector512<int> LaneBase => Vector512.Create(0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240);

    private int Walk(int node, ReadOnlySpan<float> row)
    {
        while (node >= 0)
        {
            node = Step(node, row, out _);
        }
        return node;
    }

    private int Step(int node, ReadOnlySpan<float> row, out int feature)
    {
        var count = _categoricalCount[node];
        if (count == 0)
        {
            feature = _feature[node];
            return row[feature] <= _threshold[node] ? _left[node] : _right[node];
        }
        var start = _categoricalStart[node];
        for (var i = start; i < start + count; i++)
        {
            if (row[_categoricalFeatures[i]] > 0)
            {
                feature = _categoricalFeatures[i];
                return _right[node];
            }
        }
        feature = _feature[node];
        return _left[node];
    }

    private double ValueOf(int node) => node >= 0 ? _nodeMean[node] : _leafValue[~node];

    // Mean leaf value below a node (each leaf weighted alike; the model keeps no training counts), memoised per node.
    private double Mean(int node, out int leaves)
    {
        if (node < 0)
        {
            leaves = 1;
            return _leafValue[~node];
        }
        var left = Mean(_left[node], out var l);
        var right = Mean(_right[node], out var r);
        leaves = l + r;
        _nodeMean[node] = ((left * l) + (right * r)) / leaves;
        return _nodeMean[node];
    }

    private void CheckRow(ReadOnlySpan<float> row)
    {
        if (row.Length != FeatureCount)
        {
            throw new ArgumentException($"expected {FeatureCount} features, got {row.Length}", nameof(row));
        }
    }

    private static int Relocate(int child, int nodeBase, int leafBase) => child >= 0 ? child + nodeBase : ~(~child + leafBase);

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

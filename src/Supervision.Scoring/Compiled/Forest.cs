using Microsoft.ML.Trainers.FastTree;

namespace Supervision.Scoring.Compiled;

/// <summary>
/// The trees of an ensemble as flat arrays, walked node by node: the layout every other one is built from, the
/// evaluation for forests the binned tables do not fit, and the reference for path attribution.
/// </summary>
/// <remarks>
/// A numerical node goes to the left child when the value is <c>&lt;=</c> its threshold, otherwise right (so NaN
/// goes right); a categorical node goes right when any of its one-hot slots is <c>&gt; 0</c>, otherwise left (so
/// NaN goes left): FastTree's own rule. Children ≥ 0 are node indices; a child <c>c &lt; 0</c> is leaf <c>~c</c>
/// in the global leaf array. Leaf values carry their tree's weight.
/// </remarks>
internal sealed class Forest
{
    private readonly int[] _leafCount;
    private readonly double[] _nodeMean;

    public Forest(int featureCount, List<RegressionTreeBase> trees, IReadOnlyList<double> weights, double bias)
    {
        FeatureCount = featureCount;
        Bias = bias;
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
        Roots = new int[trees.Count];
        _leafCount = new int[trees.Count];
        Feature = new int[nodes];
        Threshold = new float[nodes];
        Left = new int[nodes];
        Right = new int[nodes];
        CategoricalStart = new int[nodes];
        CategoricalCount = new int[nodes];
        CategoricalFeatures = new int[categorical];
        LeafValue = new double[leaves];
        _nodeMean = new double[nodes];
        int nodeBase = 0, leafBase = 0, catBase = 0;
        BaseMargin = bias;
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            var weight = t < weights.Count ? weights[t] : 1.0;
            _leafCount[t] = tree.NumberOfLeaves;
            for (var l = 0; l < tree.NumberOfLeaves; l++)
            {
                LeafValue[leafBase + l] = weight * tree.LeafValues[l];
            }
            Roots[t] = tree.NumberOfNodes == 0 ? ~leafBase : nodeBase;
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                var g = nodeBase + n;
                Left[g] = Relocate(tree.LeftChild[n], nodeBase, leafBase);
                Right[g] = Relocate(tree.RightChild[n], nodeBase, leafBase);
                if (tree.CategoricalSplitFlags[n])
                {
                    var slots = tree.GetCategoricalSplitFeaturesAt(n);
                    CategoricalStart[g] = catBase;
                    CategoricalCount[g] = slots.Count;
                    for (var s = 0; s < slots.Count; s++)
                    {
                        CategoricalFeatures[catBase++] = slots[s];
                        if (slots[s] >= featureCount)
                        {
                            throw new ModelCompileException($"tree {t} node {n} splits on slot {slots[s]}, beyond the {featureCount} input features");
                        }
                    }
                    Feature[g] = slots.Count > 0 ? slots[0] : 0;
                }
                else
                {
                    Feature[g] = tree.NumericalSplitFeatureIndexes[n];
                    Threshold[g] = tree.NumericalSplitThresholds[n];
                    if (Feature[g] >= featureCount)
                    {
                        throw new ModelCompileException($"tree {t} node {n} splits on feature {Feature[g]}, beyond the {featureCount} input features");
                    }
                }
            }
            BaseMargin += Mean(Roots[t], out _);
            nodeBase += tree.NumberOfNodes;
            leafBase += tree.NumberOfLeaves;
        }
    }

    public int FeatureCount { get; }

    public double Bias { get; }

    /// <summary>Bias plus each tree's mean leaf value: the margin before any split decides anything.</summary>
    public double BaseMargin { get; }

    public int[] Roots { get; }

    public int[] Feature { get; }

    public float[] Threshold { get; }

    public int[] Left { get; }

    public int[] Right { get; }

    public int[] CategoricalStart { get; }

    public int[] CategoricalCount { get; }

    public int[] CategoricalFeatures { get; }

    public double[] LeafValue { get; }

    public int LeafCount(int tree) => _leafCount[tree];

    /// <summary>The margin: bias plus each tree's exit leaf, summed in double in tree order.</summary>
    public double Margin(ReadOnlySpan<float> row)
    {
        var sum = Bias;
        for (var t = 0; t < Roots.Length; t++)
        {
            sum += LeafValue[~Walk(Roots[t], row)];
        }
        return sum;
    }

    /// <summary>Margins of rows laid out one after another; tree-major, so each tree stays in cache across a chunk.</summary>
    public void Margins(ReadOnlySpan<float> rows, Span<float> margins)
    {
        const int Chunk = 64;
        Span<double> sums = stackalloc double[Chunk];
        for (var start = 0; start < margins.Length; start += Chunk)
        {
            var n = Math.Min(Chunk, margins.Length - start);
            sums[..n].Fill(Bias);
            for (var t = 0; t < Roots.Length; t++)
            {
                var root = Roots[t];
                for (var r = 0; r < n; r++)
                {
                    sums[r] += LeafValue[~Walk(root, rows.Slice((start + r) * FeatureCount, FeatureCount))];
                }
            }
            for (var r = 0; r < n; r++)
            {
                margins[start + r] = (float)sums[r];
            }
        }
    }

    /// <summary>
    /// Exact path attribution: walks each tree and credits the feature split on at each step with the change in
    /// the mean leaf value below the node (added to <paramref name="contributions"/>). Returns the margin.
    /// </summary>
    public double Attribute(ReadOnlySpan<float> row, Span<double> contributions)
    {
        var sum = Bias;
        for (var t = 0; t < Roots.Length; t++)
        {
            var node = Roots[t];
            while (node >= 0)
            {
                var next = Step(node, row, out var feature);
                contributions[feature] += ValueOf(next) - _nodeMean[node];
                node = next;
            }
            sum += LeafValue[~node];
        }
        return sum;
    }

    /// <summary>
    /// Calls <paramref name="visit"/> for every leaf of tree <paramref name="tree"/> with the path to it as
    /// (feature, change in mean leaf value) steps from the root, as <see cref="Attribute"/> credits them. For
    /// numerical splits only: a categorical step's feature depends on the row.
    /// </summary>
    public void ForEachPath(int tree, Action<int, List<(int Feature, double Change)>> visit)
    {
        var path = new List<(int, double)>();
        Descend(Roots[tree]);

        void Descend(int node)
        {
            if (node < 0)
            {
                visit(~node, path);
                return;
            }
            Follow(node, Left[node]);
            Follow(node, Right[node]);
        }

        void Follow(int node, int child)
        {
            path.Add((Feature[node], ValueOf(child) - _nodeMean[node]));
            Descend(child);
            path.RemoveAt(path.Count - 1);
        }
    }

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
        var count = CategoricalCount[node];
        if (count == 0)
        {
            feature = Feature[node];
            return row[feature] <= Threshold[node] ? Left[node] : Right[node];
        }
        var start = CategoricalStart[node];
        for (var i = start; i < start + count; i++)
        {
            if (row[CategoricalFeatures[i]] > 0)
            {
                feature = CategoricalFeatures[i];
                return Right[node];
            }
        }
        feature = Feature[node];
        return Left[node];
    }

    private double ValueOf(int node) => node >= 0 ? _nodeMean[node] : LeafValue[~node];

    // Mean leaf value below a node (each leaf weighted alike; the model keeps no training counts), memoised per node.
    private double Mean(int node, out int leaves)
    {
        if (node < 0)
        {
            leaves = 1;
            return LeafValue[~node];
        }
        var left = Mean(Left[node], out var l);
        var right = Mean(Right[node], out var r);
        leaves = l + r;
        _nodeMean[node] = ((left * l) + (right * r)) / leaves;
        return _nodeMean[node];
    }

    private static int Relocate(int child, int nodeBase, int leafBase) => child >= 0 ? child + nodeBase : ~(~child + leafBase);
}

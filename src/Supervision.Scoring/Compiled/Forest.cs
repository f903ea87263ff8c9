using Microsoft.ML.Trainers.FastTree;

namespace Supervision.Scoring.Compiled;

/// <summary>
/// One tree as FastTree lays it out: node <c>n</c> splits on <c>Feature[n]</c> at <c>Threshold[n]</c>, or, where
/// <c>Slots[n]</c> is not null, on those one-hot slots; its children <c>Left[n]</c> and <c>Right[n]</c> are node
/// indices ≥ 0 or <c>~leaf</c>, both local to the tree. Leaf values carry the tree's weight.
/// </summary>
internal sealed record TreeArrays(int[] Left, int[] Right, int[] Feature, float[] Threshold, int[]?[] Slots, double[] LeafValues)
{
    /// <summary>A tree of numerical splits only.</summary>
    public static TreeArrays Numerical(int[] left, int[] right, int[] feature, float[] threshold, double[] leafValues) =>
        new(left, right, feature, threshold, new int[]?[left.Length], leafValues);
}

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
        : this(featureCount, Flatten(trees, weights), bias)
    {
    }

    /// <summary>
    /// A forest of trees already in arrays (how tests build shapes no trainer gives). Throws
    /// <see cref="ModelCompileException"/> when a split reads past <paramref name="featureCount"/> or a tree is not
    /// a tree: a child out of range, a node or leaf reached twice or never (the walk would loop or read wild).
    /// </summary>
    public Forest(int featureCount, IReadOnlyList<TreeArrays> trees, double bias)
    {
        FeatureCount = featureCount;
        Bias = bias;
        var nodes = 0;
        var leaves = 0;
        var categorical = 0;
        foreach (var tree in trees)
        {
            nodes += tree.Left.Length;
            leaves += tree.LeafValues.Length;
            foreach (var slots in tree.Slots)
            {
                categorical += slots?.Length ?? 0;
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
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            var treeNodes = tree.Left.Length;
            var treeLeaves = tree.LeafValues.Length;
            if (treeLeaves != treeNodes + 1)
            {
                throw new ModelCompileException($"tree {t} has {treeNodes} nodes and {treeLeaves} leaves; a binary tree has one leaf more than nodes");
            }
            _leafCount[t] = treeLeaves;
            tree.LeafValues.CopyTo(LeafValue, leafBase);
            Roots[t] = treeNodes == 0 ? ~leafBase : nodeBase;
            for (var n = 0; n < treeNodes; n++)
            {
                var g = nodeBase + n;
                Left[g] = Relocate(t, n, tree.Left[n], treeNodes, treeLeaves, nodeBase, leafBase);
                Right[g] = Relocate(t, n, tree.Right[n], treeNodes, treeLeaves, nodeBase, leafBase);
                if (tree.Slots[n] is { } slots)
                {
                    CategoricalStart[g] = catBase;
                    CategoricalCount[g] = slots.Length;
                    foreach (var slot in slots)
                    {
                        CategoricalFeatures[catBase++] = slot;
                        if ((uint)slot >= (uint)featureCount)
                        {
                            throw new ModelCompileException($"tree {t} node {n} splits on slot {slot}, outside the {featureCount} input features");
                        }
                    }
                    Feature[g] = slots.Length > 0 ? slots[0] : 0;
                }
                else
                {
                    Feature[g] = tree.Feature[n];
                    Threshold[g] = tree.Threshold[n];
                    if ((uint)Feature[g] >= (uint)featureCount)
                    {
                        throw new ModelCompileException($"tree {t} node {n} splits on feature {Feature[g]}, outside the {featureCount} input features");
                    }
                }
            }
            nodeBase += treeNodes;
            leafBase += treeLeaves;
        }
        if (ShapeError() is { } error)
        {
            throw new ModelCompileException(error);
        }
        BaseMargin = bias;
        for (var t = 0; t < Roots.Length; t++)
        {
            BaseMargin += Mean(Roots[t], out _);
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

    /// <summary>
    /// Null when every tree is a tree, otherwise what is wrong: from each root, every child is in range, each node and
    /// leaf is reached once, tree <c>t</c> reaches <see cref="LeafCount"/>(t) leaves, and every node and leaf of the
    /// forest is reached by some tree. The binned tables rely on it (each tree's masks keep its rightmost leaf), and
    /// the arrays are mutable, so they check again.
    /// </summary>
    public string? ShapeError()
    {
        var nodeSeen = new bool[Feature.Length];
        var leafSeen = new bool[LeafValue.Length];
        var pending = new Stack<int>();
        int nodes = 0, leaves = 0;
        for (var t = 0; t < Roots.Length; t++)
        {
            var treeLeaves = 0;
            pending.Push(Roots[t]);
            while (pending.TryPop(out var node))
            {
                if (node >= 0)
                {
                    if (node >= nodeSeen.Length)
                    {
                        return $"tree {t} reaches node {node} of {nodeSeen.Length}";
                    }
                    if (nodeSeen[node])
                    {
                        return $"tree {t} reaches node {node} twice";
                    }
                    nodeSeen[node] = true;
                    nodes++;
                    pending.Push(Left[node]);
                    pending.Push(Right[node]);
                    continue;
                }
                var leaf = ~node;
                if (leaf >= leafSeen.Length)
                {
                    return $"tree {t} reaches leaf {leaf} of {leafSeen.Length}";
                }
                if (leafSeen[leaf])
                {
                    return $"tree {t} reaches leaf {leaf} twice";
                }
                leafSeen[leaf] = true;
                treeLeaves++;
            }
            if (treeLeaves != LeafCount(t))
            {
                return $"tree {t} reaches {treeLeaves} leaves, not its {LeafCount(t)}";
            }
            leaves += treeLeaves;
        }
        return nodes == nodeSeen.Length && leaves == leafSeen.Length
            ? null
            : $"{nodeSeen.Length - nodes} nodes and {leafSeen.Length - leaves} leaves are reached by no tree";
    }

    private static List<TreeArrays> Flatten(List<RegressionTreeBase> trees, IReadOnlyList<double> weights)
    {
        var flat = new List<TreeArrays>(trees.Count);
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            var weight = t < weights.Count ? weights[t] : 1.0;
            var nodes = tree.NumberOfNodes;
            var left = new int[nodes];
            var right = new int[nodes];
            var feature = new int[nodes];
            var threshold = new float[nodes];
            var slots = new int[]?[nodes];
            for (var n = 0; n < nodes; n++)
            {
                left[n] = tree.LeftChild[n];
                right[n] = tree.RightChild[n];
                if (tree.CategoricalSplitFlags[n])
                {
                    slots[n] = [.. tree.GetCategoricalSplitFeaturesAt(n)];
                }
                else
                {
                    feature[n] = tree.NumericalSplitFeatureIndexes[n];
                    threshold[n] = tree.NumericalSplitThresholds[n];
                }
            }
            var leafValues = new double[tree.NumberOfLeaves];
            for (var l = 0; l < leafValues.Length; l++)
            {
                leafValues[l] = weight * tree.LeafValues[l];
            }
            flat.Add(new TreeArrays(left, right, feature, threshold, slots, leafValues));
        }
        return flat;
    }

    // A child local to tree t as a global index, after checking it lies in the tree.
    private static int Relocate(int t, int node, int child, int nodes, int leaves, int nodeBase, int leafBase)
    {
        if (child >= nodes || ~child >= leaves)
        {
            throw new ModelCompileException($"tree {t} node {node} has child {child}, outside its {nodes} nodes and {leaves} leaves");
        }
        return child >= 0 ? child + nodeBase : ~(~child + leafBase);
    }
}

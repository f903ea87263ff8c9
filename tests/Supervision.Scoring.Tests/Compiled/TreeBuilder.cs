using Supervision.Scoring.Compiled;

namespace Supervision.Scoring.Tests.Compiled;

/// <summary>Trees in FastTree's layout, for forests no trainer gives.</summary>
internal static class TreeBuilder
{
    public static TreeArrays Leaf(double value) => TreeArrays.Numerical([], [], [], [], [value]);

    public static TreeArrays Stump(int feature, float threshold, double left, double right) =>
        TreeArrays.Numerical([~0], [~1], [feature], [threshold], [left, right]);

    /// <summary>
    /// A tree of <paramref name="leaves"/> leaves in a random shape (each node splits its leaves at a random point),
    /// its nodes on random features below <paramref name="featureCount"/> at thresholds drawn from
    /// <paramref name="thresholds"/>, leaf values in [-0.1, 0.1).
    /// </summary>
    public static TreeArrays Random(Random random, int leaves, int featureCount, float[] thresholds) =>
        Grow(leaves, _ => random.Next(featureCount), () => thresholds[random.Next(thresholds.Length)], n => random.Next(1, n), () => (random.NextDouble() - 0.5) / 5);

    /// <summary>
    /// A balanced tree of <paramref name="leaves"/> leaves whose node n splits on feature
    /// <paramref name="firstFeature"/> + n (modulo <paramref name="featureCount"/>) at a threshold drawn from
    /// <paramref name="thresholds"/>.
    /// </summary>
    public static TreeArrays Balanced(Random random, int leaves, int firstFeature, int featureCount, float[] thresholds) =>
        Grow(leaves, node => (firstFeature + node) % featureCount, () => thresholds[random.Next(thresholds.Length)], n => n / 2, () => (random.NextDouble() - 0.5) / 5);

    private static TreeArrays Grow(int leaves, Func<int, int> featureOf, Func<float> threshold, Func<int, int> leftLeaves, Func<double> value)
    {
        List<int> left = [], right = [], feature = [];
        List<float> thresholds = [];
        List<double> values = [];
        Split(leaves);
        return TreeArrays.Numerical([.. left], [.. right], [.. feature], [.. thresholds], [.. values]);

        // Node indices in preorder, so the root is node 0 as FastTree has it.
        int Split(int n)
        {
            if (n == 1)
            {
                values.Add(value());
                return ~(values.Count - 1);
            }
            var node = left.Count;
            left.Add(0);
            right.Add(0);
            feature.Add(featureOf(node));
            thresholds.Add(threshold());
            var k = leftLeaves(n);
            left[node] = Split(k);
            right[node] = Split(n - k);
            return node;
        }
    }
}

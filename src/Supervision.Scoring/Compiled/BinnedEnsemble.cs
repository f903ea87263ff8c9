using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Supervision.Scoring.Compiled;

/// <summary>
/// The forest as per-feature tables of leaf masks (QuickScorer's bitvectors, precombined per threshold bin): the
/// fast evaluation behind <see cref="CompiledForest"/>.
/// </summary>
/// <remarks>
/// <para>Each tree's leaves are numbered left to right; a node whose test sends a row right rules out the leaves of its
/// left subtree, so ANDing the masks of every such node leaves the exit leaf as the lowest set bit (QuickScorer).
/// A node goes right exactly when the row's value lies above its threshold, so for one feature the set of nodes
/// that go right depends only on how many of that feature's distinct thresholds the value exceeds: its bin. The
/// AND of their masks is precomputed per (feature, bin) for every tree at once, one row of the table. Scoring a row
/// is then: one bin per feature (two 16-wide compares), an AND of one table row per feature, and one leaf read per
/// tree. No per-node work is left at run time.</para>
/// <para>NaN goes right at every numerical node and left at every categorical one, so it has a bin of its own
/// after the last. A categorical node (right when any of its one-hot slots is &gt; 0) becomes one node per slot
/// with threshold 0: ANDing its mask once per hot slot is the same as ANDing it once.</para>
/// <para>Where no node is categorical, the path attribution of a row also depends on its exit leaves only, so it is
/// precomputed per leaf (one record of <c>FeatureCount</c> doubles, rounded up to whole vectors) and summed.</para>
/// </remarks>
internal sealed class BinnedEnsemble
{
    // Key blocks are this wide: one 512-bit compare, or two 256-bit ones.
    private const int Block = 16;

    // Two levels of 16-wide blocks find the bin of up to 16 full blocks plus one partial: 271 thresholds.
    private const int MaxTwoLevelThresholds = (Block * Block) + Block - 1;

    // Beyond this the tables stop paying for themselves (and stop fitting any cache): walk the trees instead.
    private const long MaxTableBytes = 32L << 20;

    // The live masks of one row sit on the stack.
    private const int MaxStride = 16 << 10;

    private readonly FeatureBins[] _bins;
    private readonly float[] _keys;
    private readonly byte[] _masks;
    private readonly double[] _leaf;
    private readonly double[]? _records;
    private readonly int _trees;
    private readonly int _slots;
    private readonly int _recordWidth;
    private readonly double _bias;

    private BinnedEnsemble(FeatureBins[] bins, float[] keys, byte[] masks, int stride, double[] leaf, double[]? records, int trees, int slots, int recordWidth, double bias)
    {
        _bins = bins;
        _keys = keys;
        _masks = masks;
        Stride = stride;
        _leaf = leaf;
        _records = records;
        _trees = trees;
        _slots = slots;
        _recordWidth = recordWidth;
        _bias = bias;
    }

    /// <summary>Bytes of one table row: one mask per tree, padded to whole 64-byte vectors.</summary>
    public int Stride { get; }

    /// <summary>Features the trees split on, each with its own table.</summary>
    public int SplitFeatures => _bins.Length;

    /// <summary>True when <see cref="Attribute"/> can answer from per-leaf records (no categorical splits).</summary>
    public bool CanAttribute => _records is not null;

    /// <summary>Bytes the tables take.</summary>
    public long Bytes => (_masks.Length + (_keys.Length * 4L)) + ((_leaf.Length + (_records?.Length ?? 0)) * 8L);

    /// <summary>
    /// Builds the tables for a forest already in flat arrays (see <see cref="CompiledForest"/> for their meaning),
    /// or returns null when it does not fit them: more than 64 leaves in a tree, NaN thresholds, tables too large.
    /// </summary>
    public static BinnedEnsemble? Build(Forest forest)
    {
        var trees = forest.Roots.Length;
        var maxLeaves = 1;
        for (var t = 0; t < trees; t++)
        {
            maxLeaves = Math.Max(maxLeaves, forest.LeafCount(t));
        }
        if (maxLeaves > 64)
        {
            return null;
        }
        var slots = maxLeaves <= 16 ? 16 : maxLeaves <= 32 ? 32 : 64;
        var maskBytes = slots / 8;
        var stride = RoundUp(trees * maskBytes, 64);
        if (stride > MaxStride)
        {
            return null;
        }

        // Leaves in left-to-right order per tree, and each node's mask: every leaf but those of its left subtree.
        var leaf = new double[(trees + 1) * slots];
        var nodeMask = new ulong[forest.Feature.Length];
        var leafSlot = new int[forest.LeafValue.Length];
        var nodeTree = new int[forest.Feature.Length];
        for (var t = 0; t < trees; t++)
        {
            var order = 0;
            Number(forest.Roots[t]);

            ulong Number(int node)
            {
                if (node < 0)
                {
                    leafSlot[~node] = order;
                    leaf[(t * slots) + order] = forest.LeafValue[~node];
                    return 1UL << order++;
                }
                nodeTree[node] = t;
                var left = Number(forest.Left[node]);
                var right = Number(forest.Right[node]);
                nodeMask[node] = ~left;
                return left | right;
            }
        }

        // Every split as (feature, threshold); a categorical node as one split per slot at threshold 0.
        var splits = new List<Split>[forest.FeatureCount];
        var categorical = false;
        for (var node = 0; node < forest.Feature.Length; node++)
        {
            var count = forest.CategoricalCount[node];
            if (count == 0)
            {
                if (float.IsNaN(forest.Threshold[node]))
                {
                    return null;
                }
                (splits[forest.Feature[node]] ??= []).Add(new Split(forest.Threshold[node], false, nodeTree[node], nodeMask[node]));
                continue;
            }
            categorical = true;
            for (var i = forest.CategoricalStart[node]; i < forest.CategoricalStart[node] + count; i++)
            {
                (splits[forest.CategoricalFeatures[i]] ??= []).Add(new Split(0f, true, nodeTree[node], nodeMask[node]));
            }
        }

        var bins = new List<FeatureBins>();
        var keys = new List<float>();
        long tableRows = 0;
        var thresholdsOf = new List<float[]>();
        for (var f = 0; f < forest.FeatureCount; f++)
        {
            if (splits[f] is not { } list)
            {
                continue;
            }
            var thresholds = Distinct(list);
            var keyStart = keys.Count;
            int blocks;
            if (thresholds.Length > MaxTwoLevelThresholds)
            {
                blocks = 0;
                keys.AddRange(thresholds);
            }
            else
            {
                blocks = (thresholds.Length / Block) + 1;
                if (blocks > 1)
                {
                    // The top level holds the last key of each full block: how many of them lie below the value
                    // is the block to look in.
                    for (var i = 0; i < Block; i++)
                    {
                        keys.Add(i < blocks - 1 ? thresholds[(i * Block) + Block - 1] : float.PositiveInfinity);
                    }
                }
                for (var i = 0; i < blocks * Block; i++)
                {
                    keys.Add(i < thresholds.Length ? thresholds[i] : float.PositiveInfinity);
                }
            }
            if (tableRows * stride > MaxTableBytes)
            {
                return null;
            }
            bins.Add(new FeatureBins(f, thresholds.Length, blocks, keyStart, checked((int)(tableRows * stride))));
            thresholdsOf.Add(thresholds);
            tableRows += thresholds.Length + 2;
        }
        if (tableRows * stride > MaxTableBytes)
        {
            return null;
        }

        var masks = new byte[tableRows * stride];
        var live = new ulong[trees];
        for (var j = 0; j < bins.Count; j++)
        {
            var thresholds = thresholdsOf[j];
            var list = splits[bins[j].Feature]!;
            list.Sort((a, b) => a.Threshold.CompareTo(b.Threshold));
            // Row b: the value exceeds the first b thresholds, so every split below them goes right.
            Array.Fill(live, ulong.MaxValue);
            var next = 0;
            for (var b = 0; b <= thresholds.Length; b++)
            {
                while (b > 0 && next < list.Count && list[next].Threshold <= thresholds[b - 1])
                {
                    live[list[next].Tree] &= list[next].Mask;
                    next++;
                }
                WriteRow(masks.AsSpan(bins[j].TableStart + (b * stride), stride), live, maskBytes);
            }
            // The NaN row: right at every numerical split, left at every categorical one.
            Array.Fill(live, ulong.MaxValue);
            foreach (var split in list)
            {
                if (!split.Categorical)
                {
                    live[split.Tree] &= split.Mask;
                }
            }
            WriteRow(masks.AsSpan(bins[j].TableStart + ((thresholds.Length + 1) * stride), stride), live, maskBytes);
        }

        var recordWidth = RoundUp(forest.FeatureCount, 8);
        double[]? records = null;
        if (!categorical && (long)trees * slots * recordWidth * 8 <= MaxTableBytes)
        {
            records = new double[(trees + 1) * slots * recordWidth];
            for (var t = 0; t < trees; t++)
            {
                forest.ForEachPath(t, (leafIndex, path) =>
                {
                    var record = records.AsSpan(((t * slots) + leafSlot[leafIndex]) * recordWidth, recordWidth);
                    foreach (var (feature, change) in path)
                    {
                        record[feature] += change;
                    }
                });
            }
        }
        return new BinnedEnsemble([.. bins], [.. keys], masks, stride, leaf, records, trees, slots, recordWidth, forest.Bias);
    }

    /// <summary>The margin of one row: bias plus the sum of its exit leaves, in double.</summary>
    [SkipLocalsInit]
    public double Margin(ReadOnlySpan<float> row)
    {
        Span<int> offsets = stackalloc int[_bins.Length];
        Span<byte> live = stackalloc byte[Stride];
        Locate(row, offsets);
        Intersect(offsets, live);
        return _bias + LeafSum(live);
    }

    /// <summary>Margins of rows laid out one after another (<paramref name="featureCount"/> values each), as floats.</summary>
    [SkipLocalsInit]
    public void Margins(ReadOnlySpan<float> rows, int featureCount, Span<float> margins)
    {
        Span<int> offsets = stackalloc int[_bins.Length];
        Span<byte> live = stackalloc byte[Stride];
        for (var r = 0; r < margins.Length; r++)
        {
            Locate(rows.Slice(r * featureCount, featureCount), offsets);
            Intersect(offsets, live);
            margins[r] = (float)(_bias + LeafSum(live));
        }
    }

    /// <summary>
    /// The margin of one row, adding each exit leaf's path attribution to <paramref name="contributions"/>.
    /// Only when <see cref="CanAttribute"/>.
    /// </summary>
    [SkipLocalsInit]
    public double Attribute(ReadOnlySpan<float> row, Span<double> contributions)
    {
        Span<int> offsets = stackalloc int[_bins.Length];
        Span<byte> live = stackalloc byte[Stride];
        Locate(row, offsets);
        Intersect(offsets, live);
        AddRecords(live, contributions);
        return _bias + LeafSum(live);
    }

    // The byte offset of each split feature's table row for this row's value.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Locate(ReadOnlySpan<float> row, Span<int> offsets)
    {
        ref var keys = ref MemoryMarshal.GetArrayDataReference(_keys);
        var bins = _bins;
        for (var j = 0; j < bins.Length; j++)
        {
            ref readonly var b = ref bins[j];
            var x = row[b.Feature];
            int bin;
            if (float.IsNaN(x))
            {
                bin = b.Thresholds + 1;
            }
            else if (b.Blocks == 1)
            {
                bin = CountBelow(ref Unsafe.Add(ref keys, b.KeyStart), x);
            }
            else if (b.Blocks > 1)
            {
                var block = CountBelow(ref Unsafe.Add(ref keys, b.KeyStart), x);
                bin = (block * Block) + CountBelow(ref Unsafe.Add(ref keys, b.KeyStart + Block + (block * Block)), x);
            }
            else
            {
                bin = Search(_keys.AsSpan(b.KeyStart, b.Thresholds), x);
            }
            offsets[j] = b.TableStart + (bin * Stride);
        }
    }

    // How many of 16 ascending keys lie below x.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CountBelow(ref float keys, float x)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            return BitOperations.PopCount(Vector512.LessThan(Vector512.LoadUnsafe(ref keys), Vector512.Create(x)).ExtractMostSignificantBits());
        }
        var value = Vector256.Create(x);
        return BitOperations.PopCount(Vector256.LessThan(Vector256.LoadUnsafe(ref keys), value).ExtractMostSignificantBits())
            + BitOperations.PopCount(Vector256.LessThan(Vector256.LoadUnsafe(ref keys, 8), value).ExtractMostSignificantBits());
    }

    private static int Search(ReadOnlySpan<float> keys, float x)
    {
        int low = 0, high = keys.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (keys[middle] < x)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    // live = AND of the located rows, 64 bytes at a time.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Intersect(ReadOnlySpan<int> offsets, Span<byte> live)
    {
        ref var masks = ref MemoryMarshal.GetArrayDataReference(_masks);
        ref var target = ref MemoryMarshal.GetReference(live);
        for (nuint at = 0; at < (nuint)live.Length; at += 64)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                var all = Vector512<byte>.AllBitsSet;
                foreach (var offset in offsets)
                {
                    all &= Vector512.LoadUnsafe(ref masks, (nuint)offset + at);
                }
                all.StoreUnsafe(ref target, at);
            }
            else
            {
                var low = Vector256<byte>.AllBitsSet;
                var high = low;
                foreach (var offset in offsets)
                {
                    low &= Vector256.LoadUnsafe(ref masks, (nuint)offset + at);
                    high &= Vector256.LoadUnsafe(ref masks, (nuint)offset + at + 32);
                }
                low.StoreUnsafe(ref target, at);
                high.StoreUnsafe(ref target, at + 32);
            }
        }
    }

    private double LeafSum(ReadOnlySpan<byte> live) => _slots switch
    {
        16 => LeafSum<ushort>(live),
        32 => LeafSum<uint>(live),
        _ => LeafSum<ulong>(live),
    };

    // Sum of each tree's exit leaf (lowest live bit), in four running sums. Reads are unchecked: the rightmost leaf
    // of a tree is in no left subtree, so its bit is never cleared and the exit stays inside the tree's slots.
    private double LeafSum<TMask>(ReadOnlySpan<byte> live)
        where TMask : unmanaged
    {
        ref var mask = ref Unsafe.As<byte, TMask>(ref MemoryMarshal.GetReference(live));
        ref var leaf = ref MemoryMarshal.GetArrayDataReference(_leaf);
        var slots = _slots;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var t = 0;
        for (; t + 3 < _trees; t += 4)
        {
            s0 += Unsafe.Add(ref leaf, (t * slots) + Exit(Unsafe.Add(ref mask, t)));
            s1 += Unsafe.Add(ref leaf, ((t + 1) * slots) + Exit(Unsafe.Add(ref mask, t + 1)));
            s2 += Unsafe.Add(ref leaf, ((t + 2) * slots) + Exit(Unsafe.Add(ref mask, t + 2)));
            s3 += Unsafe.Add(ref leaf, ((t + 3) * slots) + Exit(Unsafe.Add(ref mask, t + 3)));
        }
        for (; t < _trees; t++)
        {
            s0 += Unsafe.Add(ref leaf, (t * slots) + Exit(Unsafe.Add(ref mask, t)));
        }
        return (s0 + s1) + (s2 + s3);
    }

    private void AddRecords(ReadOnlySpan<byte> live, Span<double> contributions)
    {
        switch (_slots)
        {
            case 16:
                AddRecords<ushort>(live, contributions);
                break;
            case 32:
                AddRecords<uint>(live, contributions);
                break;
            default:
                AddRecords<ulong>(live, contributions);
                break;
        }
    }

    [SkipLocalsInit]
    private void AddRecords<TMask>(ReadOnlySpan<byte> live, Span<double> contributions)
        where TMask : unmanaged
    {
        ref var mask = ref Unsafe.As<byte, TMask>(ref MemoryMarshal.GetReference(live));
        ref var records = ref MemoryMarshal.GetArrayDataReference(_records!);
        var slots = _slots;
        var width = _recordWidth;
        Span<double> sum = stackalloc double[width];
        if (width == 8 && Vector512.IsHardwareAccelerated)
        {
            // The common case, one vector a record: four running sums in registers.
            Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default;
            var t = 0;
            for (; t + 3 < _trees; t += 4)
            {
                a0 += Vector512.LoadUnsafe(ref records, (nuint)(((t * slots) + Exit(Unsafe.Add(ref mask, t))) * 8));
                a1 += Vector512.LoadUnsafe(ref records, (nuint)((((t + 1) * slots) + Exit(Unsafe.Add(ref mask, t + 1))) * 8));
                a2 += Vector512.LoadUnsafe(ref records, (nuint)((((t + 2) * slots) + Exit(Unsafe.Add(ref mask, t + 2))) * 8));
                a3 += Vector512.LoadUnsafe(ref records, (nuint)((((t + 3) * slots) + Exit(Unsafe.Add(ref mask, t + 3))) * 8));
            }
            for (; t < _trees; t++)
            {
                a0 += Vector512.LoadUnsafe(ref records, (nuint)(((t * slots) + Exit(Unsafe.Add(ref mask, t))) * 8));
            }
            ((a0 + a1) + (a2 + a3)).CopyTo(sum);
        }
        else
        {
            sum.Clear();
            for (var t = 0; t < _trees; t++)
            {
                var record = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref records, ((t * slots) + Exit(Unsafe.Add(ref mask, t))) * width), width);
                for (var i = 0; i < width; i++)
                {
                    sum[i] += record[i];
                }
            }
        }
        for (var i = 0; i < contributions.Length && i < width; i++)
        {
            contributions[i] += sum[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Exit<TMask>(TMask mask)
        where TMask : unmanaged
    {
        if (typeof(TMask) == typeof(ushort))
        {
            return BitOperations.TrailingZeroCount((uint)Unsafe.BitCast<TMask, ushort>(mask));
        }
        if (typeof(TMask) == typeof(uint))
        {
            return BitOperations.TrailingZeroCount(Unsafe.BitCast<TMask, uint>(mask));
        }
        return BitOperations.TrailingZeroCount(Unsafe.BitCast<TMask, ulong>(mask));
    }

    private static void WriteRow(Span<byte> row, ulong[] live, int maskBytes)
    {
        row.Fill(0xFF);
        for (var t = 0; t < live.Length; t++)
        {
            var lane = row.Slice(t * maskBytes, maskBytes);
            switch (maskBytes)
            {
                case 2:
                    BinaryPrimitives.WriteUInt16LittleEndian(lane, (ushort)live[t]);
                    break;
                case 4:
                    BinaryPrimitives.WriteUInt32LittleEndian(lane, (uint)live[t]);
                    break;
                default:
                    BinaryPrimitives.WriteUInt64LittleEndian(lane, live[t]);
                    break;
            }
        }
    }

    // Ascending, without repeats (0 and -0 are one threshold: no value lies between them).
    private static float[] Distinct(List<Split> splits)
    {
        var values = new float[splits.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = splits[i].Threshold;
        }
        Array.Sort(values);
        var count = 0;
        foreach (var value in values)
        {
            if (count == 0 || values[count - 1] < value)
            {
                values[count++] = value;
            }
        }
        return values[..count];
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private readonly record struct Split(float Threshold, bool Categorical, int Tree, ulong Mask);

    // Blocks: 1 one level of keys, 2 to 17 two levels (the top level first), 0 a plain sorted list searched binary.
    private readonly record struct FeatureBins(int Feature, int Thresholds, int Blocks, int KeyStart, int TableStart);
}

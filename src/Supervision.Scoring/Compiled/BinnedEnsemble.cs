using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Supervision.Scoring.Compiled;

/// <summary>
/// The forest as per-feature tables of leaf masks (QuickScorer's bitvectors, precombined per threshold bin): the
/// fast evaluation behind <see cref="CompiledForest"/>.
/// </summary>
/// <remarks>
/// <para>Each tree's leaves are numbered right to left; a node whose test sends a row right rules out the leaves of
/// its left subtree, so ANDing the masks of every such node leaves the exit leaf as the highest set bit
/// (QuickScorer). A node goes right exactly when the row's value lies above its threshold, so for one feature the
/// set of nodes that go right depends only on how many of that feature's distinct thresholds the value exceeds: its
/// bin. The AND of their masks is precomputed per (feature, bin) for every tree at once, one row of the table.
/// Scoring a row is then: one bin per feature (two 16-wide compares), an AND of one table row per feature, and one
/// leaf read per tree. No per-node work is left at run time.</para>
/// <para>NaN goes right at every numerical node and left at every categorical one, so it has a bin of its own after
/// the last. A categorical node (right when any of its one-hot slots is &gt; 0) becomes one node per slot with
/// threshold 0: ANDing its mask once per hot slot is the same as ANDing it once.</para>
/// <para>Batches of eight rows go further where the CPU has AVX-512 and trees have at most 16 leaves: the eight
/// rows' masks are transposed so that each tree's exit leaves for all eight rows sit in one vector, and one
/// permute picks the eight leaf values out of the tree's 16 (held in two registers) — one instruction a tree for
/// eight rows instead of eight dependent loads.</para>
/// <para>Where no node is categorical, the path attribution of a row depends on its exit leaves only, so it is
/// precomputed per leaf: one record of <c>FeatureCount</c> contributions and the leaf value, summed over the
/// exit leaves. A batch sums eight rows' records tree by tree (eight independent sums; rows often share leaves).</para>
/// <para>Every table read as vectors starts on a cache line (<see cref="AlignedArray{T}"/>). One row is a chain of
/// dependent steps (bins, then masks, then leaves, the larger tables in L2), which is why batches, whose rows'
/// steps overlap, are faster per row.</para>
/// </remarks>
internal sealed class BinnedEnsemble
{
    // Key blocks are this wide: one 512-bit compare, or two 256-bit ones.
    private const int Block = 16;

    // Two levels of 16-wide blocks find the bin among up to 16 full blocks plus one partial: 271 thresholds.
    private const int MaxTwoLevelThresholds = (Block * Block) + Block - 1;

    // Beyond this the tables stop paying for themselves (and stop fitting any cache): walk the trees instead.
    private const long MaxTableBytes = 32L << 20;

    // A batch block's buffers sit on the stack, eight rows of each: bin offsets (4 bytes a split feature), masks
    // (Stride) and exits (4 bytes a lane). These two caps bound them: 4 KB of masks a row (2,048 trees of 16 leaves)
    // and 512 features split on. The largest frame is Margins without the transposed path at both caps: 16 KB of
    // offsets, 32 KB of masks, 64 KB of exits, 112 KB in all. The transposed path needs 80 KB (no exits, but 32 KB of
    // transposed masks); Attributes at most 102 KB (records hold a slot per split feature and must fit their table
    // cap, which keeps wide records off large forests).
    private const int MaxStride = 4 << 10;

    private const int MaxSplitFeatures = 512;

    // Rows a batch block holds: one per double lane of a 512-bit vector.
    private const int BatchRows = 8;

    private readonly FeatureBins[] _bins;
    private readonly AlignedArray<float> _keys;
    private readonly AlignedArray<byte> _masks;
    private readonly AlignedArray<double> _leaf;
    private readonly AlignedArray<double> _transposedLeaf;
    private readonly AlignedArray<double> _records;
    private readonly int _trees;
    private readonly int _slots;
    private readonly int _recordWidth;
    private readonly int _featureCount;
    private readonly double _bias;

    private BinnedEnsemble(Tables tables, int stride, int trees, int slots, int recordWidth, int featureCount, double bias)
    {
        _bins = tables.Bins;
        _keys = tables.Keys;
        _masks = tables.Masks;
        _leaf = tables.Leaf;
        _transposedLeaf = tables.TransposedLeaf;
        _records = tables.Records;
        Stride = stride;
        _trees = trees;
        _slots = slots;
        _recordWidth = recordWidth;
        _featureCount = featureCount;
        _bias = bias;
    }

    /// <summary>Bytes of one table row: one mask per tree, padded to whole 64-byte vectors.</summary>
    public int Stride { get; }

    /// <summary>True when <see cref="Attribute"/> can answer from per-leaf records (no categorical splits).</summary>
    public bool CanAttribute => !_records.IsEmpty;

    // Mask lanes in a table row: every tree plus padding to whole vectors.
    private int Lanes => Stride / (_slots / 8);

    /// <summary>
    /// Builds the tables for a forest already in flat arrays, or returns null when it does not fit them: more than
    /// 64 leaves in a tree, NaN thresholds, no feature or more than 512 features split on, tables too large, trees
    /// that are not trees (see <see cref="Forest.ShapeError"/>).
    /// </summary>
    public static BinnedEnsemble? Build(Forest forest)
    {
        // Scoring reads leaves unchecked: it relies on every mask keeping its tree's rightmost leaf, which holds for
        // trees only.
        if (forest.ShapeError() is not null)
        {
            return null;
        }
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
        var lanes = stride / maskBytes;

        // Leaves numbered right to left per tree; each node's mask keeps every leaf of its tree but those of its
        // left subtree. Lanes past the last tree hold one leaf worth 0.
        var leaf = new AlignedArray<double>(lanes * slots);
        var treeLeaves = new ulong[lanes];
        Array.Fill(treeLeaves, 1UL);
        var nodeMask = new ulong[forest.Feature.Length];
        var leafSlot = new int[forest.LeafValue.Length];
        var nodeTree = new int[forest.Feature.Length];
        for (var t = 0; t < trees; t++)
        {
            var order = 0;
            var all = Number(forest.Roots[t]);
            treeLeaves[t] = all;
            MaskNodes(forest.Roots[t]);

            ulong Number(int node)
            {
                if (node < 0)
                {
                    leafSlot[~node] = order;
                    leaf.Span[(t * slots) + order] = forest.LeafValue[~node];
                    return 1UL << order++;
                }
                nodeTree[node] = t;
                var right = Number(forest.Right[node]);
                var left = Number(forest.Left[node]);
                nodeMask[node] = left;
                return left | right;
            }

            void MaskNodes(int node)
            {
                if (node >= 0)
                {
                    nodeMask[node] = all & ~nodeMask[node];
                    MaskNodes(forest.Left[node]);
                    MaskNodes(forest.Right[node]);
                }
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
        // With no feature split on (single-leaf trees only) nothing would be ANDed: every mask would stay all ones and
        // point past the leaf. Beyond the cap the batch's stack buffers would grow without bound (see MaxStride).
        var splitFeatures = splits.Count(list => list is not null);
        if (splitFeatures is 0 or > MaxSplitFeatures)
        {
            return null;
        }

        var bins = new List<FeatureBins>();
        var keys = new List<float>();
        var thresholdsOf = new List<float[]>();
        long tableRows = 0;
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
                // Padded, so every feature's blocks start on a cache line.
                keys.AddRange(Enumerable.Repeat(float.PositiveInfinity, RoundUp(thresholds.Length, Block) - thresholds.Length));
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
            if ((tableRows + thresholds.Length + 2) * stride > MaxTableBytes)
            {
                return null;
            }
            bins.Add(new FeatureBins(f, thresholds.Length, blocks, keyStart, (int)(tableRows * stride)));
            thresholdsOf.Add(thresholds);
            tableRows += thresholds.Length + 2;
        }

        var masks = new AlignedArray<byte>(checked((int)(tableRows * stride)));
        var live = new ulong[lanes];
        for (var j = 0; j < bins.Count; j++)
        {
            var thresholds = thresholdsOf[j];
            var list = splits[bins[j].Feature]!;
            list.Sort((a, b) => a.Threshold.CompareTo(b.Threshold));
            // Row b: the value exceeds the first b thresholds, so every split at or below them goes right.
            treeLeaves.CopyTo(live, 0);
            var next = 0;
            for (var b = 0; b <= thresholds.Length; b++)
            {
                while (b > 0 && next < list.Count && list[next].Threshold <= thresholds[b - 1])
                {
                    live[list[next].Tree] &= list[next].Mask;
                    next++;
                }
                WriteRow(masks.Span.Slice(bins[j].TableStart + (b * stride), stride), live, maskBytes);
            }
            // The NaN row: right at every numerical split, left at every categorical one.
            treeLeaves.CopyTo(live, 0);
            foreach (var split in list)
            {
                if (!split.Categorical)
                {
                    live[split.Tree] &= split.Mask;
                }
            }
            WriteRow(masks.Span.Slice(bins[j].TableStart + ((thresholds.Length + 1) * stride), stride), live, maskBytes);
        }

        // A record: the leaf's contribution to each feature split on (in table order; the others contribute
        // nothing), then its value; a power of two of whole vectors, so an exit's byte offset is a shift.
        var recordWidth = (int)BitOperations.RoundUpToPowerOf2((uint)RoundUp(bins.Count + 1, 8));
        var recordSlot = new int[forest.FeatureCount];
        for (var j = 0; j < bins.Count; j++)
        {
            recordSlot[bins[j].Feature] = j;
        }
        AlignedArray<double> records = default;
        if (!categorical && (long)lanes * slots * recordWidth * 8 <= MaxTableBytes)
        {
            records = new AlignedArray<double>(lanes * slots * recordWidth);
            for (var t = 0; t < trees; t++)
            {
                forest.ForEachPath(t, (leafIndex, path) =>
                {
                    var record = records.Span.Slice(((t * slots) + leafSlot[leafIndex]) * recordWidth, recordWidth);
                    foreach (var (feature, change) in path)
                    {
                        record[recordSlot[feature]] += change;
                    }
                    record[bins.Count] = forest.LeafValue[leafIndex];
                });
            }
        }

        var alignedKeys = new AlignedArray<float>(keys.Count);
        keys.CopyTo(alignedKeys.Span);
        var tables = new Tables([.. bins], alignedKeys, masks, leaf, slots == 16 ? Transpose(leaf.Span, lanes) : default, records);
        return new BinnedEnsemble(tables, stride, trees, slots, recordWidth, forest.FeatureCount, forest.Bias);
    }

    // True where batches run eight rows a vector (see the remarks); otherwise they run row by row.
    private bool TransposedBatches => !_transposedLeaf.IsEmpty && Avx512BW.IsSupported && Avx512CD.IsSupported;

    /// <summary>The margin of one row: bias plus the sum of its exit leaves, in double.</summary>
    [SkipLocalsInit]
    public double Margin(ReadOnlySpan<float> row)
    {
        Span<int> offsets = stackalloc int[_bins.Length];
        Span<byte> live = stackalloc byte[Stride];
        Span<int> exits = stackalloc int[Lanes];
        Locate(row, offsets);
        IntersectExits(offsets, live, exits, LeafShift);
        return _bias + LeafSum(exits);
    }

    /// <summary>
    /// Margins of rows laid out one after another (one value a feature each), as floats. Rows go
    /// through in blocks of eight, one stage at a time for the whole block (bins, masks, leaves), so the loads of
    /// different rows overlap instead of each row waiting on its own chain.
    /// </summary>
    [SkipLocalsInit]
    public void Margins(ReadOnlySpan<float> rows, Span<float> margins)
    {
        var splits = _bins.Length;
        var lanes = Lanes;
        Span<int> offsets = stackalloc int[BatchRows * splits];
        Span<byte> live = stackalloc byte[BatchRows * Stride];
        Span<int> exits = stackalloc int[TransposedBatches ? 0 : BatchRows * lanes];
        Span<double> sums = stackalloc double[BatchRows];
        for (var start = 0; start < margins.Length; start += BatchRows)
        {
            var n = Math.Min(BatchRows, margins.Length - start);
            for (var r = 0; r < n; r++)
            {
                Locate(rows.Slice((start + r) * _featureCount, _featureCount), offsets.Slice(r * splits, splits));
            }
            if (TransposedBatches)
            {
                for (var r = 0; r < n; r++)
                {
                    Intersect(offsets.Slice(r * splits, splits), live.Slice(r * Stride, Stride));
                }
                // The transpose takes all eight rows. Rows past n of a partial block (the last one, or the only one
                // of a short batch) would hold the previous block's masks or uninitialised stack: cleared, so nothing
                // unwritten is read; their sums are computed and dropped.
                if (n < BatchRows)
                {
                    live[(n * Stride)..].Clear();
                }
                TransposedLeafSums(live, sums);
                for (var r = 0; r < n; r++)
                {
                    margins[start + r] = (float)(_bias + sums[r]);
                }
                continue;
            }
            for (var r = 0; r < n; r++)
            {
                IntersectExits(offsets.Slice(r * splits, splits), live.Slice(r * Stride, Stride), exits.Slice(r * lanes, lanes), LeafShift);
            }
            if (n == BatchRows)
            {
                LeafSumsOfBlock(exits, lanes, sums);
                for (var r = 0; r < n; r++)
                {
                    margins[start + r] = (float)(_bias + sums[r]);
                }
                continue;
            }
            for (var r = 0; r < n; r++)
            {
                margins[start + r] = (float)(_bias + LeafSum(exits.Slice(r * lanes, lanes)));
            }
        }
    }

    /// <summary>
    /// The margin of one row, adding each exit leaf's path attribution to <paramref name="contributions"/>
    /// (one a feature). Only when <see cref="CanAttribute"/>.
    /// </summary>
    [SkipLocalsInit]
    public double Attribute(ReadOnlySpan<float> row, Span<double> contributions)
    {
        Span<int> offsets = stackalloc int[_bins.Length];
        Span<byte> live = stackalloc byte[Stride];
        Span<int> exits = stackalloc int[Lanes];
        Span<double> sum = stackalloc double[_recordWidth];
        Locate(row, offsets);
        IntersectExits(offsets, live, exits, RecordShift);
        SumRecords(exits, sum);
        return _bias + Spread(sum, contributions);
    }

    /// <summary>
    /// Margins and path attributions of rows laid out one after another: <paramref name="contributions"/> gets one
    /// feature vector a row, overwritten. Blocks of eight rows as in <see cref="Margins"/>. Only when
    /// <see cref="CanAttribute"/>.
    /// </summary>
    [SkipLocalsInit]
    public void Attributes(ReadOnlySpan<float> rows, Span<float> margins, Span<double> contributions)
    {
        var splits = _bins.Length;
        var lanes = Lanes;
        Span<int> offsets = stackalloc int[BatchRows * splits];
        Span<byte> live = stackalloc byte[BatchRows * Stride];
        Span<int> exits = stackalloc int[BatchRows * lanes];
        Span<double> sum = stackalloc double[_recordWidth];
        Span<double> sums = stackalloc double[BatchRows * 8];
        for (var start = 0; start < margins.Length; start += BatchRows)
        {
            var n = Math.Min(BatchRows, margins.Length - start);
            for (var r = 0; r < n; r++)
            {
                Locate(rows.Slice((start + r) * _featureCount, _featureCount), offsets.Slice(r * splits, splits));
            }
            for (var r = 0; r < n; r++)
            {
                IntersectExits(offsets.Slice(r * splits, splits), live.Slice(r * Stride, Stride), exits.Slice(r * lanes, lanes), RecordShift);
            }
            if (n == BatchRows && _recordWidth == 8 && Vector512.IsHardwareAccelerated)
            {
                SumRecordsOfBlock(exits, lanes, sums);
                for (var r = 0; r < n; r++)
                {
                    var row = contributions.Slice((start + r) * _featureCount, _featureCount);
                    row.Clear();
                    margins[start + r] = (float)(_bias + Spread(sums.Slice(r * 8, 8), row));
                }
                continue;
            }
            for (var r = 0; r < n; r++)
            {
                SumRecords(exits.Slice(r * lanes, lanes), sum);
                var row = contributions.Slice((start + r) * _featureCount, _featureCount);
                row.Clear();
                margins[start + r] = (float)(_bias + Spread(sum, row));
            }
        }
    }

    // Adds a record sum's contributions to their features (a record holds only the features split on, in the order
    // of the tables; the rest contribute nothing) and returns its leaf value sum.
    private double Spread(ReadOnlySpan<double> sum, Span<double> contributions)
    {
        var bins = _bins;
        for (var j = 0; j < bins.Length; j++)
        {
            contributions[bins[j].Feature] += sum[j];
        }
        return sum[bins.Length];
    }

    // The byte offset of each split feature's table row for this row's value.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Locate(ReadOnlySpan<float> row, Span<int> offsets)
    {
        ref var keys = ref _keys.Start;
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
                bin = Search(_keys.Span.Slice(b.KeyStart, b.Thresholds), x);
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
        ref var masks = ref _masks.Start;
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

    // Intersect then Exits. With AVX-512 and masks of 16 or 32 bits in one pass: the exits are taken from the ANDed
    // vectors while in registers, 16 trees an instruction as (tree · slots + 31 − leading zeros) << shift (the
    // leading zeros of a mask widened to 32 bits). Lanes past the last tree are computed too.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void IntersectExits(ReadOnlySpan<int> offsets, Span<byte> live, Span<int> exits, int shift)
    {
        if (!Avx512CD.IsSupported || _slots > 32)
        {
            Intersect(offsets, live);
            Exits(live, exits, shift);
            return;
        }
        ref var masks = ref _masks.Start;
        ref var target = ref Unsafe.As<int, uint>(ref MemoryMarshal.GetReference(exits));
        var top = (Vector512<uint>.Indices * (uint)_slots) + Vector512.Create(31u);
        var step = Vector512.Create(16u * (uint)_slots);
        nuint tree = 0;
        for (nuint at = 0; at < (nuint)live.Length; at += 64)
        {
            var all = Vector512<byte>.AllBitsSet;
            foreach (var offset in offsets)
            {
                all &= Vector512.LoadUnsafe(ref masks, (nuint)offset + at);
            }
            if (_slots == 16)
            {
                var (low, high) = Vector512.Widen(all.AsUInt16());
                Vector512.ShiftLeft(top - Avx512CD.LeadingZeroCount(low), shift).StoreUnsafe(ref target, tree);
                top += step;
                Vector512.ShiftLeft(top - Avx512CD.LeadingZeroCount(high), shift).StoreUnsafe(ref target, tree + 16);
                top += step;
                tree += 32;
            }
            else
            {
                Vector512.ShiftLeft(top - Avx512CD.LeadingZeroCount(all.AsUInt32()), shift).StoreUnsafe(ref target, tree);
                top += step;
                tree += 16;
            }
        }
    }

    // Each tree's exit leaf (the highest live bit) as a byte offset: (tree · slots + bit) << shift. Where
    // IntersectExits cannot take them in one pass: no AVX-512, or 64-bit masks.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Exits(ReadOnlySpan<byte> live, Span<int> exits, int shift)
    {
        if (Vector256.IsHardwareAccelerated && _slots == 16)
        {
            FloatExits(live, exits, shift);
            return;
        }
        switch (_slots)
        {
            case 16:
                ScalarExits<ushort>(live, exits, shift);
                break;
            case 32:
                ScalarExits<uint>(live, exits, shift);
                break;
            default:
                ScalarExits<ulong>(live, exits, shift);
                break;
        }
    }

    // Shifts that turn a leaf index into a byte offset in the leaf table and in the records.
    private const int LeafShift = 3;

    private int RecordShift => BitOperations.Log2((uint)_recordWidth * 8);

    // Without a vector leading-zero count: a 16-bit mask converted to float (exactly) has its highest bit in the
    // exponent. Eight trees an instruction.
    private void FloatExits(ReadOnlySpan<byte> live, Span<int> exits, int shift)
    {
        ref var source = ref MemoryMarshal.GetReference(live);
        ref var target = ref MemoryMarshal.GetReference(exits);
        var bottom = (Vector256<int>.Indices * _slots) - Vector256.Create(127);
        var step = Vector256.Create(8 * _slots);
        var exponent = Vector256.Create(0xFF);
        nuint tree = 0;
        for (nuint at = 0; at < (nuint)live.Length; at += 32)
        {
            var (low, high) = Vector256.Widen(Vector256.LoadUnsafe(ref source, at).AsUInt16());
            var lowBit = Vector256.ShiftRightLogical(Vector256.ConvertToSingle(low.AsInt32()).AsInt32(), 23) & exponent;
            Vector256.ShiftLeft(bottom + lowBit, shift).StoreUnsafe(ref target, tree);
            bottom += step;
            var highBit = Vector256.ShiftRightLogical(Vector256.ConvertToSingle(high.AsInt32()).AsInt32(), 23) & exponent;
            Vector256.ShiftLeft(bottom + highBit, shift).StoreUnsafe(ref target, tree + 8);
            bottom += step;
            tree += 16;
        }
    }

    private void ScalarExits<TMask>(ReadOnlySpan<byte> live, Span<int> exits, int shift)
        where TMask : unmanaged
    {
        var masks = MemoryMarshal.Cast<byte, TMask>(live);
        for (var t = 0; t < _trees; t++)
        {
            exits[t] = ((t * _slots) + HighestBit(masks[t])) << shift;
        }
    }

    // Sum of the exit leaves in eight running sums (one chain of dependent additions would bound it). Reads are
    // unchecked: a tree's rightmost leaf is never ruled out, so every mask has a bit and every exit is inside its
    // tree's slots.
    private double LeafSum(ReadOnlySpan<int> exits)
    {
        ref var leaf = ref Unsafe.As<double, byte>(ref _leaf.Start);
        ref var exit = ref MemoryMarshal.GetReference(exits);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        var t = 0;
        for (; t + 7 < _trees; t += 8, exit = ref Unsafe.Add(ref exit, 8))
        {
            s0 += Leaf(ref leaf, exit);
            s1 += Leaf(ref leaf, Unsafe.Add(ref exit, 1));
            s2 += Leaf(ref leaf, Unsafe.Add(ref exit, 2));
            s3 += Leaf(ref leaf, Unsafe.Add(ref exit, 3));
            s4 += Leaf(ref leaf, Unsafe.Add(ref exit, 4));
            s5 += Leaf(ref leaf, Unsafe.Add(ref exit, 5));
            s6 += Leaf(ref leaf, Unsafe.Add(ref exit, 6));
            s7 += Leaf(ref leaf, Unsafe.Add(ref exit, 7));
        }
        for (; t < _trees; t++, exit = ref Unsafe.Add(ref exit, 1))
        {
            s0 += Leaf(ref leaf, exit);
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Leaf(ref byte leaf, int offset) => Unsafe.As<byte, double>(ref Unsafe.AddByteOffset(ref leaf, (nuint)(uint)offset));

    // LeafSum for a full block of eight rows, tree by tree: eight independent sums, each in tree order.
    private void LeafSumsOfBlock(ReadOnlySpan<int> exits, int lanes, Span<double> sums)
    {
        ref var leaf = ref Unsafe.As<double, byte>(ref _leaf.Start);
        ref var e0 = ref MemoryMarshal.GetReference(exits);
        ref var e1 = ref Unsafe.Add(ref e0, lanes);
        ref var e2 = ref Unsafe.Add(ref e1, lanes);
        ref var e3 = ref Unsafe.Add(ref e2, lanes);
        ref var e4 = ref Unsafe.Add(ref e3, lanes);
        ref var e5 = ref Unsafe.Add(ref e4, lanes);
        ref var e6 = ref Unsafe.Add(ref e5, lanes);
        ref var e7 = ref Unsafe.Add(ref e6, lanes);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (var t = 0; t < _trees; t++)
        {
            s0 += Leaf(ref leaf, Unsafe.Add(ref e0, t));
            s1 += Leaf(ref leaf, Unsafe.Add(ref e1, t));
            s2 += Leaf(ref leaf, Unsafe.Add(ref e2, t));
            s3 += Leaf(ref leaf, Unsafe.Add(ref e3, t));
            s4 += Leaf(ref leaf, Unsafe.Add(ref e4, t));
            s5 += Leaf(ref leaf, Unsafe.Add(ref e5, t));
            s6 += Leaf(ref leaf, Unsafe.Add(ref e6, t));
            s7 += Leaf(ref leaf, Unsafe.Add(ref e7, t));
        }
        sums[0] = s0;
        sums[1] = s1;
        sums[2] = s2;
        sums[3] = s3;
        sums[4] = s4;
        sums[5] = s5;
        sums[6] = s6;
        sums[7] = s7;
    }

    // Eight rows at once: the 8 × 32 masks (16 bits) of each 64-byte column of the block are transposed in three
    // rounds of unpacks, so that each 128-bit lane holds one tree's masks for all eight rows; each tree then costs a
    // widen, a leading-zero count and one permute that picks the eight rows' leaf values from its table (16 leaves
    // in two registers). Sums per row in double, four running vectors.
    [SkipLocalsInit]
    private void TransposedLeafSums(ReadOnlySpan<byte> live, Span<double> sums)
    {
        var stride = (nuint)Stride;
        Span<byte> columns = stackalloc byte[Stride * BatchRows];
        ref var source = ref MemoryMarshal.GetReference(live);
        ref var transposed = ref MemoryMarshal.GetReference(columns);
        for (nuint at = 0; at < stride; at += 64)
        {
            var r0 = Vector512.LoadUnsafe(ref source, at).AsUInt16();
            var r1 = Vector512.LoadUnsafe(ref source, at + stride).AsUInt16();
            var r2 = Vector512.LoadUnsafe(ref source, at + (2 * stride)).AsUInt16();
            var r3 = Vector512.LoadUnsafe(ref source, at + (3 * stride)).AsUInt16();
            var r4 = Vector512.LoadUnsafe(ref source, at + (4 * stride)).AsUInt16();
            var r5 = Vector512.LoadUnsafe(ref source, at + (5 * stride)).AsUInt16();
            var r6 = Vector512.LoadUnsafe(ref source, at + (6 * stride)).AsUInt16();
            var r7 = Vector512.LoadUnsafe(ref source, at + (7 * stride)).AsUInt16();
            // Per 128-bit lane (trees 8L..8L+7): pairs of rows, then quads, then all eight rows of one tree.
            var a0 = Avx512BW.UnpackLow(r0, r1).AsUInt32();
            var a1 = Avx512BW.UnpackHigh(r0, r1).AsUInt32();
            var a2 = Avx512BW.UnpackLow(r2, r3).AsUInt32();
            var a3 = Avx512BW.UnpackHigh(r2, r3).AsUInt32();
            var a4 = Avx512BW.UnpackLow(r4, r5).AsUInt32();
            var a5 = Avx512BW.UnpackHigh(r4, r5).AsUInt32();
            var a6 = Avx512BW.UnpackLow(r6, r7).AsUInt32();
            var a7 = Avx512BW.UnpackHigh(r6, r7).AsUInt32();
            var b0 = Avx512F.UnpackLow(a0, a2).AsUInt64();
            var b1 = Avx512F.UnpackHigh(a0, a2).AsUInt64();
            var b2 = Avx512F.UnpackLow(a1, a3).AsUInt64();
            var b3 = Avx512F.UnpackHigh(a1, a3).AsUInt64();
            var b4 = Avx512F.UnpackLow(a4, a6).AsUInt64();
            var b5 = Avx512F.UnpackHigh(a4, a6).AsUInt64();
            var b6 = Avx512F.UnpackLow(a5, a7).AsUInt64();
            var b7 = Avx512F.UnpackHigh(a5, a7).AsUInt64();
            // Column j of this block of 32 trees: tree 8L + j of each lane L.
            var column = at * BatchRows;
            Avx512F.UnpackLow(b0, b4).StoreUnsafe(ref Unsafe.As<byte, ulong>(ref transposed), column / 8);
            Avx512F.UnpackHigh(b0, b4).StoreUnsafe(ref Unsafe.As<byte, ulong>(ref transposed), (column + 64) / 8);
            Avx512F.UnpackLow(b1, b5).StoreUnsafe(ref Unsafe.As<byte, ulong>(ref transposed), (column + 128) / 8);
            Avx512F.UnpackHigh(b1, b5).StoreUnsafe(ref Unsafe.As<byte, ulong>(ref transposed), (column + 192) / 8);
            Avx512F.UnpackLow(b2, b6).StoreUnsafe(ref Unsafe.As<byte, ulong>(ref transposed), (column + 256) / 8);
            Avx512F.UnpackHigh(b2, b6).StoreUnsafe(ref Unsafe.As<byte, ulong>(ref transposed), (column + 320) / 8);
            Avx512F.UnpackLow(b3, b7).StoreUnsafe(ref Unsafe.As<byte, ulong>(ref transposed), (column + 384) / 8);
            Avx512F.UnpackHigh(b3, b7).StoreUnsafe(ref Unsafe.As<byte, ulong>(ref transposed), (column + 448) / 8);
        }

        // Position p of the transposed columns holds 8 masks of 16 bits; its table holds the tree's leaf values at
        // 15 − slot, which is what the permute's low four index bits pick given the mask's leading-zero count.
        ref var leaf = ref _transposedLeaf.Start;
        var positions = (nuint)Lanes;
        Vector512<double> s0 = default, s1 = default, s2 = default, s3 = default;
        for (nuint p = 0; p < positions; p += 4)
        {
            s0 += PickLeaves(ref transposed, ref leaf, p);
            s1 += PickLeaves(ref transposed, ref leaf, p + 1);
            s2 += PickLeaves(ref transposed, ref leaf, p + 2);
            s3 += PickLeaves(ref transposed, ref leaf, p + 3);
        }
        ((s0 + s1) + (s2 + s3)).CopyTo(sums);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> PickLeaves(ref byte transposed, ref double leaf, nuint position)
    {
        var masks = Avx512F.ConvertToVector512UInt64(Vector128.LoadUnsafe(ref Unsafe.As<byte, ushort>(ref transposed), position * BatchRows));
        var index = Avx512CD.LeadingZeroCount(masks).AsInt64();
        return Avx512F.PermuteVar8x64x2(Vector512.LoadUnsafe(ref leaf, position * 16), index, Vector512.LoadUnsafe(ref leaf, (position * 16) + 8));
    }

    // The leaf values in the order TransposedLeafSums visits trees, each tree's 16 reversed (see there).
    private static AlignedArray<double> Transpose(ReadOnlySpan<double> leaf, int lanes)
    {
        var transposed = new AlignedArray<double>(lanes * 16);
        for (var p = 0; p < lanes; p++)
        {
            // p = (32-tree block · 8 + column j) · 4 + lane L  ↔  tree = block · 32 + 8L + j.
            int block = p / 32, column = p % 32 / 4, lane = p % 4;
            var tree = (block * 32) + (8 * lane) + column;
            for (var slot = 0; slot < 16; slot++)
            {
                transposed.Span[(p * 16) + 15 - slot] = leaf[(tree * 16) + slot];
            }
        }
        return transposed;
    }

    // Sums the exit leaves' records (contributions, then value) into sum.
    private void SumRecords(ReadOnlySpan<int> exits, Span<double> sum)
    {
        ref var records = ref Unsafe.As<double, byte>(ref _records.Start);
        ref var exit = ref MemoryMarshal.GetReference(exits);
        if (_recordWidth == 8 && Vector512.IsHardwareAccelerated)
        {
            // The common case, one vector a record: eight running sums in registers.
            Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            var t = 0;
            for (; t + 7 < _trees; t += 8, exit = ref Unsafe.Add(ref exit, 8))
            {
                a0 += Record(ref records, exit);
                a1 += Record(ref records, Unsafe.Add(ref exit, 1));
                a2 += Record(ref records, Unsafe.Add(ref exit, 2));
                a3 += Record(ref records, Unsafe.Add(ref exit, 3));
                a4 += Record(ref records, Unsafe.Add(ref exit, 4));
                a5 += Record(ref records, Unsafe.Add(ref exit, 5));
                a6 += Record(ref records, Unsafe.Add(ref exit, 6));
                a7 += Record(ref records, Unsafe.Add(ref exit, 7));
            }
            for (; t < _trees; t++, exit = ref Unsafe.Add(ref exit, 1))
            {
                a0 += Record(ref records, exit);
            }
            (((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))).CopyTo(sum);
            return;
        }
        if (_recordWidth == 8 && Vector256.IsHardwareAccelerated)
        {
            Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
            var t = 0;
            for (; t + 1 < _trees; t += 2, exit = ref Unsafe.Add(ref exit, 2))
            {
                ref var first = ref Unsafe.As<byte, double>(ref Unsafe.AddByteOffset(ref records, (nuint)(uint)exit));
                ref var second = ref Unsafe.As<byte, double>(ref Unsafe.AddByteOffset(ref records, (nuint)(uint)Unsafe.Add(ref exit, 1)));
                a0 += Vector256.LoadUnsafe(ref first);
                a1 += Vector256.LoadUnsafe(ref first, 4);
                a2 += Vector256.LoadUnsafe(ref second);
                a3 += Vector256.LoadUnsafe(ref second, 4);
            }
            if (t < _trees)
            {
                ref var last = ref Unsafe.As<byte, double>(ref Unsafe.AddByteOffset(ref records, (nuint)(uint)exit));
                a0 += Vector256.LoadUnsafe(ref last);
                a1 += Vector256.LoadUnsafe(ref last, 4);
            }
            (a0 + a2).CopyTo(sum);
            (a1 + a3).CopyTo(sum[4..]);
            return;
        }
        // Wider records (more than seven features split on): a vector of the record at a time, over every tree.
        for (var at = 0; at < sum.Length; at += Vector256<double>.Count)
        {
            Vector256<double> a0 = default, a1 = default;
            var t = 0;
            for (; t + 1 < _trees; t += 2)
            {
                a0 += Vector256.LoadUnsafe(ref Unsafe.As<byte, double>(ref Unsafe.AddByteOffset(ref records, (nuint)(uint)Unsafe.Add(ref exit, t))), (nuint)at);
                a1 += Vector256.LoadUnsafe(ref Unsafe.As<byte, double>(ref Unsafe.AddByteOffset(ref records, (nuint)(uint)Unsafe.Add(ref exit, t + 1))), (nuint)at);
            }
            if (t < _trees)
            {
                a0 += Vector256.LoadUnsafe(ref Unsafe.As<byte, double>(ref Unsafe.AddByteOffset(ref records, (nuint)(uint)Unsafe.Add(ref exit, t))), (nuint)at);
            }
            (a0 + a1).CopyTo(sum[at..]);
        }
    }

    // SumRecords for a full block of eight rows, tree by tree: eight independent sums, and the rows' reads of one
    // tree's records close together (rows often share leaves).
    private void SumRecordsOfBlock(ReadOnlySpan<int> exits, int lanes, Span<double> sums)
    {
        ref var records = ref Unsafe.As<double, byte>(ref _records.Start);
        ref var e0 = ref MemoryMarshal.GetReference(exits);
        ref var e1 = ref Unsafe.Add(ref e0, lanes);
        ref var e2 = ref Unsafe.Add(ref e1, lanes);
        ref var e3 = ref Unsafe.Add(ref e2, lanes);
        ref var e4 = ref Unsafe.Add(ref e3, lanes);
        ref var e5 = ref Unsafe.Add(ref e4, lanes);
        ref var e6 = ref Unsafe.Add(ref e5, lanes);
        ref var e7 = ref Unsafe.Add(ref e6, lanes);
        Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (var t = 0; t < _trees; t++)
        {
            a0 += Record(ref records, Unsafe.Add(ref e0, t));
            a1 += Record(ref records, Unsafe.Add(ref e1, t));
            a2 += Record(ref records, Unsafe.Add(ref e2, t));
            a3 += Record(ref records, Unsafe.Add(ref e3, t));
            a4 += Record(ref records, Unsafe.Add(ref e4, t));
            a5 += Record(ref records, Unsafe.Add(ref e5, t));
            a6 += Record(ref records, Unsafe.Add(ref e6, t));
            a7 += Record(ref records, Unsafe.Add(ref e7, t));
        }
        a0.CopyTo(sums);
        a1.CopyTo(sums[8..]);
        a2.CopyTo(sums[16..]);
        a3.CopyTo(sums[24..]);
        a4.CopyTo(sums[32..]);
        a5.CopyTo(sums[40..]);
        a6.CopyTo(sums[48..]);
        a7.CopyTo(sums[56..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Record(ref byte records, int offset) =>
        Vector512.LoadUnsafe(ref Unsafe.As<byte, double>(ref Unsafe.AddByteOffset(ref records, (nuint)(uint)offset)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int HighestBit<TMask>(TMask mask)
        where TMask : unmanaged
    {
        if (typeof(TMask) == typeof(ushort))
        {
            return BitOperations.Log2(Unsafe.BitCast<TMask, ushort>(mask));
        }
        if (typeof(TMask) == typeof(uint))
        {
            return BitOperations.Log2(Unsafe.BitCast<TMask, uint>(mask));
        }
        return BitOperations.Log2(Unsafe.BitCast<TMask, ulong>(mask));
    }

    private static void WriteRow(Span<byte> row, ulong[] live, int maskBytes)
    {
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

    private sealed record Tables(FeatureBins[] Bins, AlignedArray<float> Keys, AlignedArray<byte> Masks, AlignedArray<double> Leaf, AlignedArray<double> TransposedLeaf, AlignedArray<double> Records);
}

using System.Collections;

namespace Supervision.Storage.DuckDb;

/// <summary>
/// Consecutive array segments read as one list, without copying them: the report batches of one append (copying
/// half a million reports cost a large-object allocation and with it a full garbage collection). Read-only and
/// safe for concurrent readers.
/// </summary>
internal sealed class SegmentList<T> : IReadOnlyList<T>
{
    private readonly ArraySegment<T>[] _segments;
    private readonly int[] _starts;
    private int _hint;

    /// <summary>The segments, in order.</summary>
    public SegmentList(IReadOnlyList<ArraySegment<T>> segments)
    {
        _segments = [.. segments];
        _starts = new int[_segments.Length];
        var count = 0;
        for (var i = 0; i < _segments.Length; i++)
        {
            _starts[i] = count;
            count += _segments[i].Count;
        }
        Count = count;
    }

    /// <inheritdoc/>
    public int Count { get; }

    /// <inheritdoc/>
    public T this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            // Readers mostly go in order: try the segment of the last read first. Concurrent readers may overwrite
            // each other's hint; it is only a guess and checked.
            var hint = Volatile.Read(ref _hint);
            var offset = index - _starts[hint];
            if (offset >= 0 && offset < _segments[hint].Count)
            {
                return _segments[hint][offset];
            }
            var segment = Array.BinarySearch(_starts, index);
            if (segment < 0)
            {
                segment = ~segment - 1;
            }
            // Empty segments share their start with the next one; the last of them holds the row.
            while (segment + 1 < _starts.Length && _starts[segment + 1] == index)
            {
                segment++;
            }
            Volatile.Write(ref _hint, segment);
            return _segments[segment][index - _starts[segment]];
        }
    }

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator()
    {
        foreach (var segment in _segments)
        {
            foreach (var item in segment)
            {
                yield return item;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

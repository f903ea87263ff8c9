namespace Supervision.Streaming.State;

/// <summary>
/// A rule's own state per subject of one report kind, in an array indexed by the subject's number in the kind's
/// <see cref="SubjectIndex"/>; grows on demand, reset when the subject is evicted.
/// </summary>
/// <typeparam name="T">The rule's state for one subject: a plain struct, updated in place.</typeparam>
public sealed class SubjectStates<T>
    where T : struct
{
    private T[] _items = new T[16];

    /// <summary>The state of subject <paramref name="id"/>, default until the rule writes it.</summary>
    public ref T this[int id]
    {
        get
        {
            if (id >= _items.Length)
            {
                Array.Resize(ref _items, Math.Max(id + 1, _items.Length * 2));
            }
            return ref _items[id];
        }
    }

    /// <summary>Slots allocated (for state-size gauges).</summary>
    public int Length => _items.Length;

    /// <summary>Back to the default state (an evicted subject).</summary>
    public void Reset(int id)
    {
        if (id < _items.Length)
        {
            _items[id] = default;
        }
    }

    /// <summary>Writes the state of every live subject of <paramref name="subjects"/> with <paramref name="write"/>.</summary>
    public void Write(BinaryWriter writer, SubjectIndex subjects, Action<BinaryWriter, T> write)
    {
        var count = 0;
        for (var id = 0; id < subjects.Capacity; id++)
        {
            count += subjects.IsLive(id) ? 1 : 0;
        }
        writer.Write(subjects.Capacity);
        writer.Write(count);
        for (var id = 0; id < subjects.Capacity; id++)
        {
            if (subjects.IsLive(id))
            {
                writer.Write(id);
                write(writer, id < _items.Length ? _items[id] : default);
            }
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    public void Read(BinaryReader reader, Func<BinaryReader, T> read)
    {
        // Sized once: these arrays can hold a million states of a kilobyte each.
        var capacity = reader.ReadInt32();
        _items = new T[Math.Max(16, capacity)];
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var id = reader.ReadInt32();
            this[id] = read(reader);
        }
    }
}

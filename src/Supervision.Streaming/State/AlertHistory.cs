namespace Supervision.Streaming.State;

/// <summary>
/// Alerts opened per enterprise per day of event time over the last <c>days</c> days, in flat arrays indexed by
/// the enterprise's dense id (a ring of daily buckets, reset when their day comes round again).
/// </summary>
internal sealed class AlertHistory(int days)
{
    private long[] _day = [];
    private int[] _opened = [];
    private int[] _critical = [];

    public void EnsureCapacity(int enterprises)
    {
        var needed = enterprises * days;
        if (_day.Length >= needed)
        {
            return;
        }
        var size = Math.Max(needed, _day.Length * 2);
        Array.Resize(ref _day, size);
        Array.Resize(ref _opened, size);
        Array.Resize(ref _critical, size);
    }

    public void AddOpened(int enterprise, long day, bool critical)
    {
        var i = (enterprise * days) + (int)(day % days);
        if (_day[i] > day)
        {
            return;
        }
        if (_day[i] != day)
        {
            _day[i] = day;
            _opened[i] = _critical[i] = 0;
        }
        _opened[i]++;
        _critical[i] += critical ? 1 : 0;
    }

    /// <summary>Days of history kept.</summary>
    public int Days => days;

    /// <summary>Writes the buckets of the first <paramref name="enterprises"/> enterprises that hold counts.</summary>
    public void Write(BinaryWriter writer, int enterprises)
    {
        writer.Write(days);
        var used = 0;
        var end = Math.Min(enterprises * days, _day.Length);
        for (var i = 0; i < end; i++)
        {
            used += _opened[i] > 0 ? 1 : 0;
        }
        writer.Write(used);
        for (var i = 0; i < end; i++)
        {
            if (_opened[i] > 0)
            {
                writer.Write(i / days);
                writer.Write(_day[i]);
                writer.Write(_opened[i]);
                writer.Write(_critical[i]);
            }
        }
    }

    /// <summary>
    /// Reads what <see cref="Write"/> wrote; history kept for another number of days is re-bucketed into this one's.
    /// </summary>
    public void Read(BinaryReader reader)
    {
        _ = reader.ReadInt32();
        var used = reader.ReadInt32();
        for (var u = 0; u < used; u++)
        {
            var enterprise = reader.ReadInt32();
            var day = reader.ReadInt64();
            var opened = reader.ReadInt32();
            var critical = reader.ReadInt32();
            EnsureCapacity(enterprise + 1);
            var i = (enterprise * days) + (int)(day % days);
            if (_day[i] > day)
            {
                continue;
            }
            if (_day[i] != day)
            {
                _day[i] = day;
                _opened[i] = _critical[i] = 0;
            }
            _opened[i] += opened;
            _critical[i] += critical;
        }
    }

    /// <summary>Alerts and critical alerts opened in the <c>days</c> days up to and including <paramref name="day"/>.</summary>
    public void Sum(int enterprise, long day, out int opened, out int critical)
    {
        opened = critical = 0;
        var start = enterprise * days;
        for (var b = 0; b < days; b++)
        {
            var i = start + b;
            if (_day[i] > day - days && _day[i] <= day)
            {
                opened += _opened[i];
                critical += _critical[i];
            }
        }
    }
}

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

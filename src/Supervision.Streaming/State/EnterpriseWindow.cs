namespace Supervision.Streaming.State;

/// <summary>
/// Per-enterprise counters over the last 24 hours of event time, in hourly buckets held in flat arrays
/// indexed by the enterprise's dense id. A bucket is reset when its hour comes round again.
/// </summary>
internal sealed class EnterpriseWindow
{
    private const int Hours = 24;
    private long[] _hour = [];
    private float[] _readings = [];
    private float[] _overLimit = [];
    private float[] _excursionMinutes = [];
    private float[] _trapped = [];
    private float[] _maxExcess = [];

    public void EnsureCapacity(int enterprises)
    {
        var needed = enterprises * Hours;
        if (_hour.Length >= needed)
        {
            return;
        }
        var size = Math.Max(needed, _hour.Length * 2);
        Array.Resize(ref _hour, size);
        Array.Resize(ref _readings, size);
        Array.Resize(ref _overLimit, size);
        Array.Resize(ref _excursionMinutes, size);
        Array.Resize(ref _trapped, size);
        Array.Resize(ref _maxExcess, size);
    }

    public void AddReading(int enterprise, long hour, bool overLimit, double excursionMinutes, double excess)
    {
        var i = Bucket(enterprise, hour);
        if (i < 0)
        {
            return;
        }
        _readings[i]++;
        if (overLimit)
        {
            _overLimit[i]++;
            _excursionMinutes[i] += (float)excursionMinutes;
            _maxExcess[i] = Math.Max(_maxExcess[i], (float)excess);
        }
    }

    public void AddTrapped(int enterprise, long hour)
    {
        var i = Bucket(enterprise, hour);
        if (i >= 0)
        {
            _trapped[i]++;
        }
    }

    /// <summary>Sums the buckets of the 24 hours up to and including <paramref name="hour"/>.</summary>
    public void Sum(int enterprise, long hour, out float readings, out float overLimit, out float excursionMinutes, out float trapped, out float maxExcess)
    {
        readings = overLimit = excursionMinutes = trapped = maxExcess = 0;
        var start = enterprise * Hours;
        for (var b = 0; b < Hours; b++)
        {
            var i = start + b;
            if (_hour[i] > hour - Hours && _hour[i] <= hour)
            {
                readings += _readings[i];
                overLimit += _overLimit[i];
                excursionMinutes += _excursionMinutes[i];
                trapped += _trapped[i];
                maxExcess = Math.Max(maxExcess, _maxExcess[i]);
            }
        }
    }

    // -1 when the slot already holds a later hour: data older than the window is not counted.
    private int Bucket(int enterprise, long hour)
    {
        var i = (enterprise * Hours) + (int)(hour % Hours);
        if (_hour[i] > hour)
        {
            return -1;
        }
        if (_hour[i] != hour)
        {
            _hour[i] = hour;
            _readings[i] = _overLimit[i] = _excursionMinutes[i] = _trapped[i] = _maxExcess[i] = 0;
        }
        return i;
    }
}

namespace Supervision.Streaming.State;

/// <summary>An enterprise's counters summed over the last 24 hours.</summary>
internal struct WindowTotals
{
    public float Readings;
    public float OverLimit;
    public float ExcursionMinutes;
    public float Trapped;
    public float MaxExcess;
    public float AdverseEvents;
    public float FailedSamplings;
    public float ExpiredBatches;
}

/// <summary>
/// Per-enterprise counters over the last 24 hours of event time, in hourly buckets held in flat arrays
/// indexed by the enterprise's dense id. A bucket is reset when its hour comes round again.
/// </summary>
public sealed class EnterpriseWindow
{
    private const int Hours = 24;
    private long[] _hour = [];
    private WindowTotals[] _buckets = [];

    public void EnsureCapacity(int enterprises)
    {
        var needed = enterprises * Hours;
        if (_hour.Length >= needed)
        {
            return;
        }
        var size = Math.Max(needed, _hour.Length * 2);
        Array.Resize(ref _hour, size);
        Array.Resize(ref _buckets, size);
    }

    /// <summary>A reading or sample; <paramref name="excess"/> counts towards the temperature excess only for stores.</summary>
    public void AddReading(int enterprise, long hour, bool overLimit, double excursionMinutes, double excess)
    {
        var i = Bucket(enterprise, hour);
        if (i < 0)
        {
            return;
        }
        ref var bucket = ref _buckets[i];
        bucket.Readings++;
        if (overLimit)
        {
            bucket.OverLimit++;
            bucket.ExcursionMinutes += (float)excursionMinutes;
            bucket.MaxExcess = Math.Max(bucket.MaxExcess, (float)excess);
        }
    }

    public void AddTrapped(int enterprise, long hour)
    {
        var i = Bucket(enterprise, hour);
        if (i >= 0)
        {
            _buckets[i].Trapped++;
        }
    }

    /// <summary>An adverse drug reaction report: a report like any other, weighing twice when serious.</summary>
    public void AddAdverseEvent(int enterprise, long hour, bool serious)
    {
        var i = Bucket(enterprise, hour);
        if (i >= 0)
        {
            _buckets[i].Readings++;
            _buckets[i].AdverseEvents += serious ? 2 : 1;
        }
    }

    /// <summary>A sample judged against its limit.</summary>
    public void AddSampling(int enterprise, long hour, bool failed) => AddJudged(enterprise, hour, failed, sample: true);

    /// <summary>A batch report (a drug movement, a food batch); expired when it moves or is reported past its expiry.</summary>
    public void AddBatch(int enterprise, long hour, bool expired) => AddJudged(enterprise, hour, expired, sample: false);

    private void AddJudged(int enterprise, long hour, bool failed, bool sample)
    {
        var i = Bucket(enterprise, hour);
        if (i < 0)
        {
            return;
        }
        ref var bucket = ref _buckets[i];
        bucket.Readings++;
        if (failed)
        {
            bucket.OverLimit++;
            if (sample)
            {
                bucket.FailedSamplings++;
            }
            else
            {
                bucket.ExpiredBatches++;
            }
        }
    }

    /// <summary>
    /// Writes the non-empty buckets of the first <paramref name="enterprises"/> enterprises compactly: per bucket its
    /// slot, hour and a mask of the counters that are not zero, then those counters (most buckets hold a reading
    /// count and little else).
    /// </summary>
    public void Write(BinaryWriter writer, int enterprises)
    {
        var end = Math.Min(enterprises * Hours, _hour.Length);
        var used = 0;
        for (var i = 0; i < end; i++)
        {
            used += _hour[i] != 0 ? 1 : 0;
        }
        writer.Write(used);
        Span<float> values = stackalloc float[8];
        for (var i = 0; i < end; i++)
        {
            if (_hour[i] == 0)
            {
                continue;
            }
            ref readonly var b = ref _buckets[i];
            values[0] = b.Readings;
            values[1] = b.OverLimit;
            values[2] = b.ExcursionMinutes;
            values[3] = b.Trapped;
            values[4] = b.MaxExcess;
            values[5] = b.AdverseEvents;
            values[6] = b.FailedSamplings;
            values[7] = b.ExpiredBatches;
            byte mask = 0;
            for (var f = 0; f < 8; f++)
            {
                mask |= values[f] != 0 ? (byte)(1 << f) : (byte)0;
            }
            writer.Write7BitEncodedInt(i);
            writer.Write7BitEncodedInt64(_hour[i]);
            writer.Write(mask);
            for (var f = 0; f < 8; f++)
            {
                if ((mask & (1 << f)) != 0)
                {
                    writer.Write(values[f]);
                }
            }
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    public void Read(BinaryReader reader, int enterprises)
    {
        _hour = [];
        _buckets = [];
        EnsureCapacity(enterprises);
        var used = reader.ReadInt32();
        Span<float> values = stackalloc float[8];
        for (var u = 0; u < used; u++)
        {
            var i = reader.Read7BitEncodedInt();
            _hour[i] = reader.Read7BitEncodedInt64();
            var mask = reader.ReadByte();
            for (var f = 0; f < 8; f++)
            {
                values[f] = (mask & (1 << f)) != 0 ? reader.ReadSingle() : 0;
            }
            _buckets[i] = new WindowTotals
            {
                Readings = values[0],
                OverLimit = values[1],
                ExcursionMinutes = values[2],
                Trapped = values[3],
                MaxExcess = values[4],
                AdverseEvents = values[5],
                FailedSamplings = values[6],
                ExpiredBatches = values[7],
            };
        }
    }

    /// <summary>Sums the buckets of the 24 hours up to and including <paramref name="hour"/>.</summary>
    internal WindowTotals Sum(int enterprise, long hour)
    {
        var totals = default(WindowTotals);
        var start = enterprise * Hours;
        for (var b = 0; b < Hours; b++)
        {
            var i = start + b;
            if (_hour[i] > hour - Hours && _hour[i] <= hour)
            {
                ref readonly var bucket = ref _buckets[i];
                totals.Readings += bucket.Readings;
                totals.OverLimit += bucket.OverLimit;
                totals.ExcursionMinutes += bucket.ExcursionMinutes;
                totals.Trapped += bucket.Trapped;
                totals.MaxExcess = Math.Max(totals.MaxExcess, bucket.MaxExcess);
                totals.AdverseEvents += bucket.AdverseEvents;
                totals.FailedSamplings += bucket.FailedSamplings;
                totals.ExpiredBatches += bucket.ExpiredBatches;
            }
        }
        return totals;
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
            _buckets[i] = default;
        }
        return i;
    }
}

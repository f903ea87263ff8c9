namespace Supervision.Scoring.Anomaly;

/// <summary>
/// Per-series state of <see cref="OnlineAnomalyDetector"/>: one plain struct of fixed size (1.4 KB, the
/// daily and weekly profiles inline), so the engine keeps one per series in an array, updates it in place without
/// allocating, and snapshots it with <see cref="WriteTo"/> and <see cref="ReadFrom"/>. <c>default</c> is a series
/// that has seen nothing.
/// </summary>
public struct AnomalyState
{
    /// <summary>Format version written first by <see cref="WriteTo"/>.</summary>
    public const byte FormatVersion = 1;

    internal long Count;
    internal long LastTicks;
    internal double Interval;
    internal long Intervals;

    // The last three readings, newest first, raw (X) and with the daily (B) and weekly (C) profile taken off.
    internal double X1, X2, X3;
    internal double B1, B2, B3;
    internal double C1, C2, C3;

    // Short-term level of each variant (raw, daily-adjusted, weekly-adjusted).
    internal double LevelA, LevelB, LevelC;

    // Slow level of each variant (time constant 50 readings): the drift test compares the short level with it.
    internal double SlowA, SlowB, SlowC;

    // The level the profiles are learned against (time constant a week), and the spread around it.
    internal double Baseline, Spread;

    // Smallest step between different readings: the sensor's resolution, a floor for every scale.
    internal double Quantum;

    // Each predictor's recent mean absolute error, clipped (the scale deviations are measured in) and nearly
    // unclipped (which predictor is best).
    internal PredictorErrors Errors;
    internal PredictorErrors Fit;

    // Collective tests at the last reading (median less short level; short level less slow level, per variant; standardised) and their typical sizes.
    internal double Short, ShortSize, LongA, LongB, LongC, LongSizeA, LongSizeB, LongSizeC;

    // Noise test: average point statistic, its usual value and its typical deviation.
    internal double Noise, NoiseMean, NoiseSize;

    internal TailModel PointTail, ShortTail, LongTail, NoiseTail;

    // Stuck test: repeats in the current run, where the run started, share of repeated readings, longest run accepted.
    internal long Run;
    internal long RunStart;
    internal double RepeatRate;
    internal double LongestRun;
    internal bool RunAccepted;

    // Readings in a row scored FlagDecades or more.
    internal int Flagged;

    // The level before the last accepted shift, its noise scale, and the reading count until which a return to it
    // ends that anomaly rather than starting another.
    internal double ReturnLevel, ReturnScale;
    internal long ReturnUntil;
    internal bool ReturnPending;

    // Longest gap seen, in typical intervals.
    internal double LongestGap;

    internal DayProfile Day;
    internal WeekProfile Week;

    // The hour being seen (hours since 0001-01-01 UTC), and the sum of its readings' deviations from the baseline.
    internal long VisitHour;
    internal double VisitSum;
    internal int VisitReadings;

    internal double LastExpected, LastSigma, LastScore;
    internal AnomalyKind LastKind;

    /// <summary>Readings seen.</summary>
    public readonly long Readings => Count;

    /// <summary>What the detector expected the last reading to be (its best predictor at that time of day).</summary>
    public readonly double Expected => LastExpected;

    /// <summary>The scale it judged the last reading's deviation by (about one standard deviation of normal noise).</summary>
    public readonly double Sigma => LastSigma;

    /// <summary>The last reading's score.</summary>
    public readonly double Score => LastScore;

    /// <summary>What made the last reading unusual; <see cref="AnomalyKind.None"/> when its score was 0.</summary>
    public readonly AnomalyKind Kind => LastKind;

    /// <summary>Writes the state: a version byte, then every field in a fixed order (1,372 bytes).</summary>
    public readonly void WriteTo(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(FormatVersion);
        writer.Write(Count);
        writer.Write(LastTicks);
        writer.Write(Interval);
        writer.Write(Intervals);
        foreach (var v in (ReadOnlySpan<double>)[X1, X2, X3, B1, B2, B3, C1, C2, C3, LevelA, LevelB, LevelC, SlowA, SlowB, SlowC, Baseline, Spread, Quantum])
        {
            writer.Write(v);
        }
        foreach (var v in (ReadOnlySpan<double>)Errors)
        {
            writer.Write(v);
        }
        foreach (var v in (ReadOnlySpan<double>)Fit)
        {
            writer.Write(v);
        }
        foreach (var v in (ReadOnlySpan<double>)[Short, ShortSize, LongA, LongB, LongC, LongSizeA, LongSizeB, LongSizeC, Noise, NoiseMean, NoiseSize])
        {
            writer.Write(v);
        }
        PointTail.WriteTo(writer);
        ShortTail.WriteTo(writer);
        LongTail.WriteTo(writer);
        NoiseTail.WriteTo(writer);
        writer.Write(Run);
        writer.Write(RunStart);
        writer.Write(RepeatRate);
        writer.Write(LongestRun);
        writer.Write(RunAccepted);
        writer.Write(Flagged);
        writer.Write(ReturnLevel);
        writer.Write(ReturnScale);
        writer.Write(ReturnUntil);
        writer.Write(ReturnPending);
        writer.Write(LongestGap);
        foreach (var v in (ReadOnlySpan<float>)Day)
        {
            writer.Write(v);
        }
        foreach (var v in (ReadOnlySpan<float>)Week)
        {
            writer.Write(v);
        }
        writer.Write(VisitHour);
        writer.Write(VisitSum);
        writer.Write(VisitReadings);
        writer.Write(LastExpected);
        writer.Write(LastSigma);
        writer.Write(LastScore);
        writer.Write((byte)LastKind);
    }

    /// <summary>Reads a state written by <see cref="WriteTo"/>; throws <see cref="InvalidDataException"/> for another format version.</summary>
    public static AnomalyState ReadFrom(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"anomaly detector state has format version {version}; this build reads version {FormatVersion}");
        }
        var s = new AnomalyState
        {
            Count = reader.ReadInt64(),
            LastTicks = reader.ReadInt64(),
            Interval = reader.ReadDouble(),
            Intervals = reader.ReadInt64(),
            X1 = reader.ReadDouble(),
            X2 = reader.ReadDouble(),
            X3 = reader.ReadDouble(),
            B1 = reader.ReadDouble(),
            B2 = reader.ReadDouble(),
            B3 = reader.ReadDouble(),
            C1 = reader.ReadDouble(),
            C2 = reader.ReadDouble(),
            C3 = reader.ReadDouble(),
            LevelA = reader.ReadDouble(),
            LevelB = reader.ReadDouble(),
            LevelC = reader.ReadDouble(),
            SlowA = reader.ReadDouble(),
            SlowB = reader.ReadDouble(),
            SlowC = reader.ReadDouble(),
            Baseline = reader.ReadDouble(),
            Spread = reader.ReadDouble(),
            Quantum = reader.ReadDouble(),
        };
        Span<double> errors = s.Errors;
        for (var i = 0; i < errors.Length; i++)
        {
            errors[i] = reader.ReadDouble();
        }
        Span<double> fit = s.Fit;
        for (var i = 0; i < fit.Length; i++)
        {
            fit[i] = reader.ReadDouble();
        }
        s.Short = reader.ReadDouble();
        s.ShortSize = reader.ReadDouble();
        s.LongA = reader.ReadDouble();
        s.LongB = reader.ReadDouble();
        s.LongC = reader.ReadDouble();
        s.LongSizeA = reader.ReadDouble();
        s.LongSizeB = reader.ReadDouble();
        s.LongSizeC = reader.ReadDouble();
        s.Noise = reader.ReadDouble();
        s.NoiseMean = reader.ReadDouble();
        s.NoiseSize = reader.ReadDouble();
        s.PointTail = TailModel.ReadFrom(reader);
        s.ShortTail = TailModel.ReadFrom(reader);
        s.LongTail = TailModel.ReadFrom(reader);
        s.NoiseTail = TailModel.ReadFrom(reader);
        s.Run = reader.ReadInt64();
        s.RunStart = reader.ReadInt64();
        s.RepeatRate = reader.ReadDouble();
        s.LongestRun = reader.ReadDouble();
        s.RunAccepted = reader.ReadBoolean();
        s.Flagged = reader.ReadInt32();
        s.ReturnLevel = reader.ReadDouble();
        s.ReturnScale = reader.ReadDouble();
        s.ReturnUntil = reader.ReadInt64();
        s.ReturnPending = reader.ReadBoolean();
        s.LongestGap = reader.ReadDouble();
        Span<float> day = s.Day;
        for (var i = 0; i < day.Length; i++)
        {
            day[i] = reader.ReadSingle();
        }
        Span<float> week = s.Week;
        for (var i = 0; i < week.Length; i++)
        {
            week[i] = reader.ReadSingle();
        }
        s.VisitHour = reader.ReadInt64();
        s.VisitSum = reader.ReadDouble();
        s.VisitReadings = reader.ReadInt32();
        s.LastExpected = reader.ReadDouble();
        s.LastSigma = reader.ReadDouble();
        s.LastScore = reader.ReadDouble();
        var kind = reader.ReadByte();
        if (kind > (byte)AnomalyKind.Noise)
        {
            throw new InvalidDataException($"anomaly detector state has an unknown kind {kind}");
        }
        s.LastKind = (AnomalyKind)kind;
        return s;
    }
}

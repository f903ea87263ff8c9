namespace Supervision.Scoring.Anomaly;

/// <summary>
/// Streaming anomaly detector for one numeric sensor series. A reading's score in [0, 1] uses only that reading,
/// its timestamp and the state built from earlier ones; the state adapts as readings arrive, so nothing is trained
/// or retrained, and its size is fixed whatever the length of the series.
/// </summary>
/// <remarks>
/// <para><b>Prediction.</b> Six predictors run side by side: the median of the last three readings and a short
/// exponentially weighted level, each on the raw series, on the series less its hour-of-day profile, and on the
/// series less its hour-of-week profile (profiles learned from timestamps, so the sampling interval does not
/// matter). The one with the smallest recent mean absolute error predicts; a series with a daily or weekly cycle
/// is thus judged against its cycle once the profile predicts better than the raw series. The median makes one
/// spike invisible to the next reading; a level shift is the median's new value after two readings.</para>
/// <para><b>Tests</b>, each a statistic in units of its own typical size: <i>point</i> (the best predictor's
/// error over its mean absolute error), <i>short</i> and <i>long</i> (averages over about 4 and 30 readings of the
/// standardised deviation from the level: level shifts and drifts), <i>noise</i> (the recent average point
/// statistic against its usual value) and <i>stuck</i> (a run of identical readings longer than any this series
/// showed, judged by its share of repeated readings).</para>
/// <para><b>Calibration.</b> Each statistic's tail probability comes from its own <see cref="TailModel"/>
/// (the share over a threshold and a generalised Pareto tail beyond it, learned from this series). The smallest
/// probability, times the number of tests, gives the score: 0.225 per decade of rarity, so 0.9 is a reading rarer
/// than 1 in 10,000 for this series and 0.5 one rarer than about 1 in 170. Scores are 0 during warm-up.</para>
/// <para><b>Accepting the new normal.</b> When a reading scores 3 decades or more, the levels move to the median
/// of the last three readings and the collective tests start again, so a lasting shift is flagged once and then
/// is normal; a stuck run, once flagged, is not flagged again, and becomes the longest run this series has shown.
/// Readings that score 0.5 or more do not teach the profiles.</para>
/// <para>Ideas taken, not code: HTM's anomaly likelihood (judge a raw anomaly statistic by its own recent
/// distribution, not a fixed z), SPOT's peaks over threshold for the tail, Holt-Winters' seasonal profiles,
/// CUSUM/EWMA charts for collective shifts, and ARTime's and NAB's lesson that one early flag per event beats a
/// run of them.</para>
/// </remarks>
public sealed class OnlineAnomalyDetector
{
    private const double Ln10 = 2.302585092994046;
    private const double ScorePerDecade = 0.225;
    private const int Tests = 4;
    private const double FlagDecades = 3;
    private const int AcceptAfter = 10;
    private const double CalmScore = 0.5;
    private const double AlertScore = 0.9;
    private const double AlarmWeight = 0.1;

    // Smallest typical size of a collective or noise statistic (they are in units of the predictor's error; white
    // noise gives 0.2 to 1): a series flat for hours must not make the next small step look enormous.
    private const double MinSize = 0.05;
    private const int CalibrateAfter = 10;
    private const double SlowRate = 0.02;
    private const double NoiseRate = 0.1;
    private const double SizeRate = 0.001;
    private const double ErrorRate = 0.01;
    private const double IntervalRate = 0.05;
    private const double DaySeconds = 86_400;
    private const double WeekSeconds = 7 * DaySeconds;
    private const double DayProfileRate = 0.3;
    private const double WeekProfileRate = 0.5;
    private const double DropoutGap = 10;
    private const double SigmaPerMeanError = 1.25;

    private static readonly double Log10Tests = Math.Log10(Tests);

    // Natural log of a test's tail probability at the flag level (FlagDecades once the tests are counted).
    private static readonly double FlagLogTail = -(FlagDecades + Log10Tests) * Ln10;

    private readonly AnomalyOptions _options;
    private readonly double _decay;
    private readonly double _maxExcesses;

    /// <summary>A detector with the given settings (checked: a bad one throws, naming the setting).</summary>
    public OnlineAnomalyDetector(AnomalyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate(nameof(AnomalyOptions)) is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }
        _options = options;
        _decay = 1 - (1.0 / options.TailMemory);
        _maxExcesses = Math.Max(50, options.TailMemory / 20.0);
    }

    /// <summary>The settings.</summary>
    public AnomalyOptions Options => _options;

    /// <summary>Scores <paramref name="value"/>, read at <paramref name="at"/>, against <paramref name="state"/>, then learns from it. Returns 0 to 1.</summary>
    public double Update(ref AnomalyState state, DateTimeOffset at, double value) => Update(ref state, at.UtcTicks, value);

    /// <summary>
    /// Scores <paramref name="value"/>, read at <paramref name="utcTicks"/>, against <paramref name="state"/>, then
    /// learns from it. Returns 0 to 1. A timestamp before the previous one is scored in arrival order (no time
    /// passes); a value that is not finite scores 0 and is not learned.
    /// </summary>
    public double Update(ref AnomalyState state, long utcTicks, double value)
    {
        ref var s = ref state;
        if (!double.IsFinite(value))
        {
            s.LastScore = 0;
            s.LastKind = AnomalyKind.None;
            return 0;
        }
        if (s.Count == 0)
        {
            Start(ref s, utcTicks, value);
            return 0;
        }

        var seconds = utcTicks > s.LastTicks ? (utcTicks - s.LastTicks) / (double)TimeSpan.TicksPerSecond : 0;
        var gap = LearnInterval(ref s, seconds);
        var hours = utcTicks / TimeSpan.TicksPerHour;
        var hourOfDay = (int)(hours % 24);
        var hourOfWeek = (int)(hours % 168);
        if (hours != s.VisitHour)
        {
            CommitVisit(ref s, hours);
        }
        var day = Season(s.Day[hourOfDay]);
        var week = Season(s.Week[hourOfWeek]);

        var medianA = Median(s.X1, s.X2, s.X3);
        var medianB = Median(s.B1, s.B2, s.B3);
        var medianC = Median(s.C1, s.C2, s.C3);
        var p0 = medianA;
        var p1 = s.LevelA;
        var p2 = medianB + day;
        var p3 = s.LevelB + day;
        var p4 = medianC + week;
        var p5 = s.LevelC + week;

        var floor = Floor(in s);
        // The predictor is chosen by its unclipped recent error (a daily switch it misses counts in full), and the
        // deviation is measured in its clipped error (anomalies do not widen it). A later (seasonal) predictor must
        // be clearly better to be chosen, so rounding does not decide between near-equals.
        var best = 0;
        for (var k = 1; k < 6; k++)
        {
            if (s.Fit[k] < s.Fit[best] * 0.98)
            {
                best = k;
            }
        }
        var bestError = s.Errors[best];
        var expected = best switch { 0 => p0, 1 => p1, 2 => p2, 3 => p3, 4 => p4, _ => p5 };
        // A random walk wanders further the longer nobody looked: widen the scale after a gap.
        var gapScale = gap > 1 ? Math.Min(Math.Sqrt(gap), 4) : 1;
        var scale = Math.Max(bestError, floor) * gapScale;
        var uPoint = Math.Abs(value - expected) / scale;

        // Collective tests on the best predictor's variant: the median of the last three readings (this one
        // included) against the short level sees a shift from its second reading on, and no spike; the short level
        // against a slow one sees a drift the short level follows.
        // A daily cycle moves the short level away from the slow one as surely as a drift does, so the drift test
        // runs on each variant and is judged on the one where that difference is steadiest (the cycle taken off).
        var variant = best >> 1;
        var (median, level) = variant switch
        {
            0 => (Median(value, s.X1, s.X2), s.LevelA),
            1 => (Median(value - day, s.B1, s.B2), s.LevelB),
            _ => (Median(value - week, s.C1, s.C2), s.LevelC),
        };
        // One step of the sensor's resolution is never a collective anomaly: each statistic's typical size is at
        // least what one step moves it by (counts that are 0 for hours, then 1, are normal counts).
        var quantum = double.IsPositiveInfinity(s.Quantum) ? 0 : s.Quantum;
        var shortScale = Math.Max(s.Errors[(2 * variant) + 1], floor) * gapScale;
        s.Short = (median - level) / shortScale;
        var uShort = Math.Abs(s.Short) / Math.Max(s.ShortSize, Math.Max(MinSize, quantum / shortScale));
        var scaleA = Math.Max(s.Errors[1], floor) * gapScale;
        var scaleB = Math.Max(s.Errors[3], floor) * gapScale;
        var scaleC = Math.Max(s.Errors[5], floor) * gapScale;
        s.LongA = (s.LevelA - s.SlowA) / scaleA;
        s.LongB = (s.LevelB - s.SlowB) / scaleB;
        s.LongC = (s.LevelC - s.SlowC) / scaleC;
        var step = _options.LevelRate * quantum;
        var uLong = s.LongSizeA <= s.LongSizeB && s.LongSizeA <= s.LongSizeC ? Math.Abs(s.LongA) / Math.Max(s.LongSizeA, Math.Max(MinSize, step / scaleA))
            : s.LongSizeB <= s.LongSizeC ? Math.Abs(s.LongB) / Math.Max(s.LongSizeB, Math.Max(MinSize, step / scaleB))
            : Math.Abs(s.LongC) / Math.Max(s.LongSizeC, Math.Max(MinSize, step / scaleC));
        s.Noise += NoiseRate * (Math.Min(uPoint, 10) - s.Noise);
        var uNoise = Math.Max(0, s.Noise - s.NoiseMean) / Math.Max(s.NoiseSize, Math.Max(MinSize, NoiseRate * quantum / scale));

        var repeat = value == s.X1;
        var logStuck = 0.0;
        if (repeat)
        {
            s.Run++;
            if (!s.RunAccepted && s.Run + 1 >= _options.StuckRun && s.Run > s.LongestRun && s.RunStart >= _options.Warmup)
            {
                logStuck = (s.Run - s.LongestRun) * Math.Log(Math.Max(s.RepeatRate, 1e-3));
            }
        }
        else
        {
            if (!s.RunAccepted)
            {
                s.LongestRun = Math.Max(s.LongestRun, s.Run);
            }
            s.Run = 0;
            s.RunStart = s.Count;
            s.RunAccepted = false;
        }

        var min = s.PointTail.LogTail(uPoint);
        var kind = AnomalyKind.Spike;
        var logShort = s.ShortTail.LogTail(uShort);
        if (logShort < min)
        {
            min = logShort;
            kind = AnomalyKind.LevelShift;
        }
        var logLong = s.LongTail.LogTail(uLong);
        if (logLong < min)
        {
            min = logLong;
            kind = AnomalyKind.Drift;
        }
        var logNoise = s.NoiseTail.LogTail(uNoise);
        if (logNoise < min)
        {
            min = logNoise;
            kind = AnomalyKind.Noise;
        }
        if (logStuck < min)
        {
            min = logStuck;
            kind = AnomalyKind.Stuck;
        }
        var decades = (-min / Ln10) - Log10Tests;
        var score = s.Count >= _options.Warmup ? Math.Clamp(decades * ScorePerDecade, 0, 1) : 0;
        if (score == 0)
        {
            kind = AnomalyKind.None;
        }
        else if (kind == AnomalyKind.Spike && ((value == 0 && Math.Abs(expected) > 10 * scale) || (gap >= DropoutGap && gap > 2 * s.LongestGap)))
        {
            kind = AnomalyKind.Dropout;
        }

        Learn(ref s, value, seconds, gap, floor, gapScale, score, day, week, hourOfDay, hourOfWeek, repeat, uPoint, uShort, uLong, uNoise, p0, p1, p2, p3, p4, p5);

        // Accepted once it scores 1, or once it has been flagged for a while: then it is the new normal.
        s.Flagged = score > 0 && decades >= FlagDecades ? s.Flagged + 1 : 0;
        if (score >= 1 || s.Flagged >= AcceptAfter)
        {
            Accept(ref s, kind);
            s.Flagged = 0;
        }
        s.LastExpected = expected;
        s.LastSigma = scale * SigmaPerMeanError;
        s.LastScore = score;
        s.LastKind = kind;
        s.Count++;
        if (utcTicks > s.LastTicks)
        {
            s.LastTicks = utcTicks;
        }
        return score;
    }

    private void Learn(ref AnomalyState s, double value, double seconds, double gap, double floor, double gapScale, double score, double day, double week, int hourOfDay, int hourOfWeek, bool repeat, double uPoint, double uShort, double uLong, double uNoise, double p0, double p1, double p2, double p3, double p4, double p5)
    {
        var early = s.Count < CalibrateAfter;
        // The tails describe this series' normal behaviour: a reading at the alert level teaches them a tenth as
        // much as the rest, so anomalies barely move them while a lasting change of regime still does; leaving such
        // readings out altogether would bias the share over the threshold low, and more with every alarm.
        if (!early)
        {
            var rateWeight = TailModel.RateWeight(s.Count, _options.TailMemory);
            var weight = score < AlertScore ? 1 : AlarmWeight;
            LearnTail(ref s.PointTail, uPoint, rateWeight, weight);
            LearnTail(ref s.ShortTail, uShort, rateWeight, weight);
            LearnTail(ref s.LongTail, uLong, rateWeight, weight);
            LearnTail(ref s.NoiseTail, uNoise, rateWeight, weight);
        }
        var sizeWeight = Math.Max(1.0 / s.Count, SizeRate);
        s.ShortSize += sizeWeight * (Math.Abs(s.Short) - s.ShortSize);
        s.LongSizeA += sizeWeight * (Math.Abs(s.LongA) - s.LongSizeA);
        s.LongSizeB += sizeWeight * (Math.Abs(s.LongB) - s.LongSizeB);
        s.LongSizeC += sizeWeight * (Math.Abs(s.LongC) - s.LongSizeC);
        s.NoiseMean += sizeWeight * (s.Noise - s.NoiseMean);
        s.NoiseSize += sizeWeight * (Math.Abs(s.Noise - s.NoiseMean) - s.NoiseSize);
        s.RepeatRate += ((repeat ? 1 : 0) - s.RepeatRate) * TailModel.RateWeight(s.Count, _options.TailMemory);
        s.LongestRun *= _decay;
        s.LongestGap = Math.Max(s.LongestGap * _decay, gap);

        // Errors are clipped (after the first readings) so an anomaly does not teach the detector that it is normal,
        // and a stuck sensor's perfect predictions are not learned at all: they would make the noise after it look large.
        var errorWeight = s.RunAccepted ? 0 : Math.Max(1.0 / s.Count, ErrorRate);
        Span<double> errors = s.Errors;
        Span<double> fit = s.Fit;
        LearnError(ref errors[0], ref fit[0], Math.Abs(value - p0), errorWeight, floor, gapScale, early);
        LearnError(ref errors[1], ref fit[1], Math.Abs(value - p1), errorWeight, floor, gapScale, early);
        LearnError(ref errors[2], ref fit[2], Math.Abs(value - p2), errorWeight, floor, gapScale, early);
        LearnError(ref errors[3], ref fit[3], Math.Abs(value - p3), errorWeight, floor, gapScale, early);
        LearnError(ref errors[4], ref fit[4], Math.Abs(value - p4), errorWeight, floor, gapScale, early);
        LearnError(ref errors[5], ref fit[5], Math.Abs(value - p5), errorWeight, floor, gapScale, early);

        var levelRate = Math.Max(1.0 / s.Count, _options.LevelRate);
        var slowRate = Math.Max(1.0 / s.Count, SlowRate);
        LearnLevel(ref s.LevelA, ref s.SlowA, value, levelRate, slowRate, 3 * Math.Max(s.Errors[1], floor), early);
        LearnLevel(ref s.LevelB, ref s.SlowB, value - day, levelRate, slowRate, 3 * Math.Max(s.Errors[3], floor), early);
        LearnLevel(ref s.LevelC, ref s.SlowC, value - week, levelRate, slowRate, 3 * Math.Max(s.Errors[5], floor), early);

        if (seconds > 0)
        {
            var dayRate = Math.Max(seconds / (seconds + DaySeconds), 1.0 / s.Count);
            var weekRate = Math.Max(seconds / (seconds + WeekSeconds), 1.0 / s.Count);
            var deviation = value - s.SlowDay;
            s.Spread += dayRate * (Math.Abs(deviation) - s.Spread);
            s.SlowDay += dayRate * deviation;
            s.SlowWeek += weekRate * (value - s.SlowWeek);
        }
        if (score < CalmScore)
        {
            s.VisitDay += value - s.SlowWeek;
            s.VisitWeek += value - s.SlowWeek;
            s.VisitReadings++;
        }

        if (!repeat)
        {
            var step = Math.Abs(value - s.X1);
            if (step < s.Quantum)
            {
                s.Quantum = step;
            }
        }
        s.X3 = s.X2;
        s.X2 = s.X1;
        s.X1 = value;
        s.B3 = s.B2;
        s.B2 = s.B1;
        s.B1 = value - day;
        s.C3 = s.C2;
        s.C2 = s.C1;
        s.C1 = value - week;
    }

    // The profiles learn an hour's mean deviation once the hour is over, so a bin never predicts from the readings
    // it is predicting (an anomaly inside the hour would otherwise teach its own bin to expect it).
    private static void CommitVisit(ref AnomalyState s, long hours)
    {
        if (s.VisitReadings > 0)
        {
            ref var d = ref s.Day[(int)(s.VisitHour % 24)];
            var day = s.VisitDay / s.VisitReadings;
            d = float.IsNaN(d) ? (float)day : d + (float)(DayProfileRate * (day - d));
            ref var w = ref s.Week[(int)(s.VisitHour % 168)];
            var week = s.VisitWeek / s.VisitReadings;
            w = float.IsNaN(w) ? (float)week : w + (float)(WeekProfileRate * (week - w));
        }
        s.VisitHour = hours;
        s.VisitDay = s.VisitWeek = 0;
        s.VisitReadings = 0;
    }

    // A flagged reading: a stuck run is accepted for the rest of the run; anything else moves the levels to the
    // median of the last three readings (unchanged after a spike, the new level after a shift) and restarts the
    // collective tests, so the same event is not flagged again and again.
    private static void Accept(ref AnomalyState s, AnomalyKind kind)
    {
        if (kind == AnomalyKind.Stuck)
        {
            // A stuck run is a fault, not the new normal: it is not flagged again, but the next one will be.
            s.RunAccepted = true;
            return;
        }
        var shift = Median(s.X1, s.X2, s.X3) - s.LevelA;
        s.LevelA = s.SlowA = s.LevelA + shift;
        s.LevelB = s.SlowB = Median(s.B1, s.B2, s.B3);
        s.LevelC = s.SlowC = Median(s.C1, s.C2, s.C3);
        s.Noise = s.NoiseMean;
    }

    private static void Start(ref AnomalyState s, long utcTicks, double value)
    {
        s = default;
        s.Count = 1;
        s.LastTicks = utcTicks;
        s.X1 = s.X2 = s.X3 = value;
        s.B1 = s.B2 = s.B3 = value;
        s.C1 = s.C2 = s.C3 = value;
        s.LevelA = s.LevelB = s.LevelC = value;
        s.SlowA = s.SlowB = s.SlowC = value;
        s.SlowDay = s.SlowWeek = value;
        s.Quantum = double.PositiveInfinity;
        s.PointTail = s.ShortTail = s.LongTail = s.NoiseTail = TailModel.Prior;
        s.NoiseMean = 1;
        s.RepeatRate = 0.02;
        ((Span<float>)s.Day).Fill(float.NaN);
        ((Span<float>)s.Week).Fill(float.NaN);
        s.LastExpected = value;
        s.VisitHour = utcTicks / TimeSpan.TicksPerHour;
    }

    // Typical interval: geometric mean of the first intervals, then a slow average of intervals clipped to half and
    // twice it, so gaps and bursts do not move it. Returns this interval in typical intervals (1 until known).
    private static double LearnInterval(ref AnomalyState s, double seconds)
    {
        if (seconds <= 0)
        {
            return 1;
        }
        var gap = s.Intervals >= 3 ? seconds / s.Interval : 1;
        s.Intervals++;
        if (s.Intervals <= 16)
        {
            s.Interval = s.Intervals == 1 ? seconds : Math.Exp(Math.Log(s.Interval) + ((Math.Log(seconds) - Math.Log(s.Interval)) / s.Intervals));
        }
        else
        {
            s.Interval += IntervalRate * (Math.Clamp(seconds, 0.5 * s.Interval, 2 * s.Interval) - s.Interval);
        }
        return gap;
    }

    // A value the tail itself calls an anomaly is learned as if it were just at the flag level: the tail describes
    // normal behaviour, so one large anomaly does not make the next one look ordinary; repeated ones still fatten it.
    private void LearnTail(ref TailModel tail, double u, double rateWeight, double weight)
    {
        if (u > TailModel.Threshold && tail.LogTail(u) < FlagLogTail)
        {
            u = tail.ValueAt(FlagLogTail);
        }
        tail.Learn(u, rateWeight, _maxExcesses, weight);
    }

    private static void LearnError(ref double error, ref double fit, double e, double weight, double floor, double gapScale, bool early)
    {
        var limit = Math.Max(error, floor) * gapScale;
        error += weight * ((early ? e : Math.Min(e, 6 * limit)) - error);
        fit += weight * ((early ? e : Math.Min(e, 100 * limit)) - fit);
    }

    private static void LearnLevel(ref double level, ref double slow, double y, double levelRate, double slowRate, double limit, bool early)
    {
        level += levelRate * Clip(y - level, limit, early);
        slow += slowRate * Clip(y - slow, limit, early);
    }

    private static double Clip(double x, double limit, bool early) => early ? x : Math.Clamp(x, -limit, limit);

    // The smallest scale a deviation is measured in: half the sensor's resolution, or a sliver of the series' spread
    // and magnitude, so a series flat for hours does not make its next small step infinitely surprising.
    private static double Floor(in AnomalyState s)
    {
        var quantum = double.IsPositiveInfinity(s.Quantum) ? 0 : 0.5 * s.Quantum;
        return Math.Max(Math.Max(quantum, 1e-3 * s.Spread), Math.Max(1e-9 * Math.Abs(s.SlowDay), 1e-300));
    }

    private static double Season(float deviation) => float.IsNaN(deviation) ? 0 : deviation;

    private static double Median(double a, double b, double c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}

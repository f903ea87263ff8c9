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
/// matter). The one with the smallest recent error predicts; a series with a daily or weekly cycle is thus judged
/// against its cycle once the profile predicts better than the raw series. The median makes one
/// spike invisible to the next reading; a level shift is the median's new value after two readings.</para>
/// <para><b>Tests</b>, each a statistic in units of its own typical size: <i>point</i> (the best predictor's
/// error over its mean absolute error), <i>short</i> (the median of the last three readings against the short
/// level: a level shift from its second reading), <i>long</i> (the short level against a slow one, on the variant
/// where that is steadiest: a drift), <i>noise</i> (the recent average point statistic against its usual value)
/// and <i>stuck</i> (a run of identical readings longer than any this series showed, judged by its share of
/// repeated readings).</para>
/// <para><b>Calibration.</b> Each statistic's tail probability comes from its own <see cref="TailModel"/>
/// (the share over a threshold and a generalised Pareto tail beyond it, learned from this series). The smallest
/// probability, times four (the tests that run on every reading), gives the score: 0.225 per decade of rarity, so 0.9 is a reading rarer
/// than 1 in 10,000 for this series and 0.5 one rarer than about 1 in 170. Scores are 0 during warm-up.</para>
/// <para><b>Accepting the new normal.</b> A reading that scores 1, or ten in a row that score 3 decades or more,
/// move the short and slow levels to the median of the last three readings, so a lasting shift is flagged once
/// and then is normal; a return to the level it left, within 500 readings, ends that anomaly (scored under the
/// resolve level once a second reading confirms it) instead of starting another. A stuck run, once flagged, is not
/// flagged again (the next one will be). Readings at the
/// alert level teach the tails a tenth as much as others, and readings that score 0.5 or more do not teach the
/// profiles.</para>
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
    private const double WeekSeconds = 7 * 86_400;
    private const double DayProfileRate = 0.3;
    private const double WeekProfileRate = 0.5;
    private const double DropoutGap = 10;
    private const double SigmaPerMeanError = 1.25;
    private const int ReturnWindow = 500;
    private const double ReturnTolerance = 4;
    private const double ReturnScore = 0.2;
    private const double PendingScore = 0.85;

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

        Reading r = default;
        r.Seconds = utcTicks > s.LastTicks ? (utcTicks - s.LastTicks) / (double)TimeSpan.TicksPerSecond : 0;
        r.Gap = LearnInterval(ref s, r.Seconds);
        var hours = utcTicks / TimeSpan.TicksPerHour;
        if (hours != s.VisitHour)
        {
            CommitVisit(ref s, hours);
        }
        r.Day = Season(s.Day[(int)(hours % 24)]);
        r.Week = Season(s.Week[(int)(hours % 168)]);

        Span<double> predictions = stackalloc double[6];
        predictions[0] = Median(s.X1, s.X2, s.X3);
        predictions[1] = s.LevelA;
        predictions[2] = Median(s.B1, s.B2, s.B3) + r.Day;
        predictions[3] = s.LevelB + r.Day;
        predictions[4] = Median(s.C1, s.C2, s.C3) + r.Week;
        predictions[5] = s.LevelC + r.Week;

        // The predictor is chosen by its nearly unclipped recent error (a daily switch it misses counts in full),
        // and the deviation is measured in its clipped error (anomalies do not widen it). A later (seasonal)
        // predictor must be clearly better to be chosen, so rounding does not decide between near-equals.
        var best = 0;
        for (var k = 1; k < 6; k++)
        {
            if (s.Fit[k] < s.Fit[best] * 0.98)
            {
                best = k;
            }
        }
        r.Floor = Floor(in s);
        // A random walk wanders further the longer nobody looked: widen the scales after a gap.
        r.GapScale = r.Gap > 1 ? Math.Min(Math.Sqrt(r.Gap), 4) : 1;
        var expected = predictions[best];
        var scale = Math.Max(s.Errors[best], r.Floor) * r.GapScale;
        r.Point = Math.Abs(value - expected) / scale;

        // Short: the median of the last three readings (this one included) against the short level of the chosen
        // variant sees a shift from its second reading on, and no spike. Long: the short level against a slow one
        // sees a drift the short level follows; a daily cycle moves them apart as surely as a drift, so it runs on
        // every variant and is judged on the one where that difference is steadiest (the cycle taken off).
        // One step of the sensor's resolution is never a collective anomaly: each statistic's typical size is at
        // least what one step moves it by (counts that are 0 for hours, then 1, are normal counts).
        var quantum = double.IsPositiveInfinity(s.Quantum) ? 0 : s.Quantum;
        var variant = best >> 1;
        var (median, level) = variant switch
        {
            0 => (Median(value, s.X1, s.X2), s.LevelA),
            1 => (Median(value - r.Day, s.B1, s.B2), s.LevelB),
            _ => (Median(value - r.Week, s.C1, s.C2), s.LevelC),
        };
        var shortScale = Math.Max(s.Errors[(2 * variant) + 1], r.Floor) * r.GapScale;
        s.Short = (median - level) / shortScale;
        r.Short = Math.Abs(s.Short) / Math.Max(s.ShortSize, Math.Max(MinSize, quantum / shortScale));
        var scaleA = Math.Max(s.Errors[1], r.Floor) * r.GapScale;
        var scaleB = Math.Max(s.Errors[3], r.Floor) * r.GapScale;
        var scaleC = Math.Max(s.Errors[5], r.Floor) * r.GapScale;
        s.LongA = (s.LevelA - s.SlowA) / scaleA;
        s.LongB = (s.LevelB - s.SlowB) / scaleB;
        s.LongC = (s.LevelC - s.SlowC) / scaleC;
        var step = _options.LevelRate * quantum;
        r.Long = s.LongSizeA <= s.LongSizeB && s.LongSizeA <= s.LongSizeC ? Math.Abs(s.LongA) / Math.Max(s.LongSizeA, Math.Max(MinSize, step / scaleA))
            : s.LongSizeB <= s.LongSizeC ? Math.Abs(s.LongB) / Math.Max(s.LongSizeB, Math.Max(MinSize, step / scaleB))
            : Math.Abs(s.LongC) / Math.Max(s.LongSizeC, Math.Max(MinSize, step / scaleC));
        s.Noise += NoiseRate * (Math.Min(r.Point, 10) - s.Noise);
        r.Noise = Math.Max(0, s.Noise - s.NoiseMean) / Math.Max(s.NoiseSize, Math.Max(MinSize, NoiseRate * quantum / scale));

        r.Repeat = value == s.X1;
        var logStuck = 0.0;
        if (r.Repeat)
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

        r.LogPoint = s.PointTail.LogTail(r.Point);
        r.LogShort = s.ShortTail.LogTail(r.Short);
        r.LogLong = s.LongTail.LogTail(r.Long);
        r.LogNoise = s.NoiseTail.LogTail(r.Noise);
        var (min, kind) = (r.LogPoint, AnomalyKind.Spike);
        if (r.LogShort < min)
        {
            (min, kind) = (r.LogShort, AnomalyKind.LevelShift);
        }
        if (r.LogLong < min)
        {
            (min, kind) = (r.LogLong, AnomalyKind.Drift);
        }
        if (r.LogNoise < min)
        {
            (min, kind) = (r.LogNoise, AnomalyKind.Noise);
        }
        if (logStuck < min)
        {
            (min, kind) = (logStuck, AnomalyKind.Stuck);
        }
        var decades = (-min / Ln10) - Log10Tests;
        r.Score = s.Count >= _options.Warmup ? Math.Clamp(decades * ScorePerDecade, 0, 1) : 0;
        if (r.Score == 0)
        {
            kind = AnomalyKind.None;
        }
        else if (kind == AnomalyKind.Spike && ((value == 0 && Math.Abs(expected) > 10 * scale) || (r.Gap >= DropoutGap && r.Gap > 2 * s.LongestGap)))
        {
            kind = AnomalyKind.Dropout;
        }

        // Back within the noise of the level an accepted shift left, while that shift is recent: likely the end of
        // an anomaly already flagged, not a new one. The first reading back is scored under the alert level (it may
        // still be a spike); the second, with the median of three back too, confirms the return and is scored under
        // the resolve level, so an open alert closes.
        var score = r.Score;
        var back = score >= CalmScore && s.Count < s.ReturnUntil && Math.Abs(value - s.ReturnLevel) <= ReturnTolerance * s.ReturnScale;
        var returning = back && s.ReturnPending && Math.Abs(Median(value, s.X1, s.X2) - s.ReturnLevel) <= ReturnTolerance * s.ReturnScale;
        s.ReturnPending = back && !returning;
        if (returning)
        {
            (score, kind) = (Math.Min(score, ReturnScore), AnomalyKind.None);
        }
        else if (back)
        {
            score = Math.Min(score, PendingScore);
        }

        Learn(ref s, value, in r, predictions);

        // Accepted once it scores 1, or once it has been flagged for a while: then it is the new normal.
        s.Flagged = !back && score > 0 && decades >= FlagDecades ? s.Flagged + 1 : 0;
        if (returning)
        {
            Accept(ref s, Median(s.X1, s.X2, s.X3));
            s.ReturnUntil = 0;
        }
        else if (score >= 1 || s.Flagged >= AcceptAfter)
        {
            if (kind == AnomalyKind.Stuck)
            {
                // A stuck run is a fault, not the new normal: it is not flagged again, but the next one will be.
                s.RunAccepted = true;
            }
            else
            {
                if (s.Count >= s.ReturnUntil)
                {
                    s.ReturnLevel = s.SlowA;
                    s.ReturnScale = Math.Max(s.Errors[1], r.Floor);
                    s.ReturnUntil = s.Count + ReturnWindow;
                }
                Accept(ref s, Median(s.X1, s.X2, s.X3));
            }
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

    private void Learn(ref AnomalyState s, double value, in Reading r, ReadOnlySpan<double> predictions)
    {
        var early = s.Count < CalibrateAfter;
        // The tails describe this series' normal behaviour: a reading at the alert level teaches them a tenth as
        // much as the rest, so anomalies barely move them while a lasting change of regime still does; leaving such
        // readings out altogether would bias the share over the threshold low, and more with every alarm.
        var rateWeight = TailModel.RateWeight(s.Count, _options.TailMemory);
        if (!early)
        {
            var weight = r.Score < AlertScore ? 1 : AlarmWeight;
            LearnTail(ref s.PointTail, r.Point, r.LogPoint, rateWeight, weight);
            LearnTail(ref s.ShortTail, r.Short, r.LogShort, rateWeight, weight);
            LearnTail(ref s.LongTail, r.Long, r.LogLong, rateWeight, weight);
            LearnTail(ref s.NoiseTail, r.Noise, r.LogNoise, rateWeight, weight);
        }
        var sizeWeight = Math.Max(1.0 / s.Count, SizeRate);
        s.ShortSize += sizeWeight * (Math.Abs(s.Short) - s.ShortSize);
        s.LongSizeA += sizeWeight * (Math.Abs(s.LongA) - s.LongSizeA);
        s.LongSizeB += sizeWeight * (Math.Abs(s.LongB) - s.LongSizeB);
        s.LongSizeC += sizeWeight * (Math.Abs(s.LongC) - s.LongSizeC);
        s.NoiseMean += sizeWeight * (s.Noise - s.NoiseMean);
        s.NoiseSize += sizeWeight * (Math.Abs(s.Noise - s.NoiseMean) - s.NoiseSize);
        s.RepeatRate += ((r.Repeat ? 1 : 0) - s.RepeatRate) * rateWeight;
        s.LongestRun *= _decay;
        s.LongestGap = Math.Max(s.LongestGap * _decay, r.Gap);

        // Errors are clipped (after the first readings) so an anomaly does not teach the detector that it is normal,
        // and a stuck sensor's perfect predictions are not learned at all: they would make the noise after it look large.
        var errorWeight = s.RunAccepted ? 0 : Math.Max(1.0 / s.Count, ErrorRate);
        Span<double> errors = s.Errors;
        Span<double> fit = s.Fit;
        for (var k = 0; k < 6; k++)
        {
            var e = Math.Abs(value - predictions[k]);
            var limit = Math.Max(errors[k], r.Floor) * r.GapScale;
            errors[k] += errorWeight * ((early ? e : Math.Min(e, 6 * limit)) - errors[k]);
            fit[k] += errorWeight * ((early ? e : Math.Min(e, 100 * limit)) - fit[k]);
        }

        var levelRate = Math.Max(1.0 / s.Count, _options.LevelRate);
        var slowRate = Math.Max(1.0 / s.Count, SlowRate);
        LearnLevel(ref s.LevelA, ref s.SlowA, value, levelRate, slowRate, 3 * Math.Max(errors[1], r.Floor), early);
        LearnLevel(ref s.LevelB, ref s.SlowB, value - r.Day, levelRate, slowRate, 3 * Math.Max(errors[3], r.Floor), early);
        LearnLevel(ref s.LevelC, ref s.SlowC, value - r.Week, levelRate, slowRate, 3 * Math.Max(errors[5], r.Floor), early);

        // The profiles are learned against a level with a time constant of a week, steady across a day.
        if (r.Seconds > 0)
        {
            var weekRate = Math.Max(r.Seconds / (r.Seconds + WeekSeconds), 1.0 / s.Count);
            var deviation = value - s.Baseline;
            s.Spread += weekRate * (Math.Abs(deviation) - s.Spread);
            s.Baseline += weekRate * deviation;
        }
        if (r.Score < CalmScore)
        {
            s.VisitSum += value - s.Baseline;
            s.VisitReadings++;
        }

        if (!r.Repeat)
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
        s.B1 = value - r.Day;
        s.C3 = s.C2;
        s.C2 = s.C1;
        s.C1 = value - r.Week;
    }

    // The profiles learn an hour's mean deviation once the hour is over, so a bin never predicts from the readings
    // it is predicting (an anomaly inside the hour would otherwise teach its own bin to expect it).
    private static void CommitVisit(ref AnomalyState s, long hours)
    {
        if (s.VisitReadings > 0)
        {
            var mean = s.VisitSum / s.VisitReadings;
            ref var d = ref s.Day[(int)(s.VisitHour % 24)];
            d = float.IsNaN(d) ? (float)mean : d + (float)(DayProfileRate * (mean - d));
            ref var w = ref s.Week[(int)(s.VisitHour % 168)];
            w = float.IsNaN(w) ? (float)mean : w + (float)(WeekProfileRate * (mean - w));
        }
        s.VisitHour = hours;
        s.VisitSum = 0;
        s.VisitReadings = 0;
    }

    // A shift accepted as the new normal: the short and slow levels of every variant move to the new level (the
    // median of the last three readings after a shift, unchanged after a spike) and the noise test starts again, so
    // the same event is not flagged again and again.
    private static void Accept(ref AnomalyState s, double level)
    {
        var shift = level - s.LevelA;
        s.LevelA = s.SlowA = level;
        s.LevelB = s.SlowB = s.LevelB + shift;
        s.LevelC = s.SlowC = s.LevelC + shift;
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
        s.Baseline = value;
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
    private void LearnTail(ref TailModel tail, double u, double logTail, double rateWeight, double weight)
    {
        if (logTail < FlagLogTail)
        {
            u = tail.ValueAt(FlagLogTail);
        }
        tail.Learn(u, rateWeight, _maxExcesses, weight);
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
        return Math.Max(Math.Max(quantum, 1e-3 * s.Spread), Math.Max(1e-9 * Math.Abs(s.Baseline), 1e-300));
    }

    // What one reading measured, handed from scoring to learning.
    private struct Reading
    {
        public double Seconds, Gap, GapScale, Floor, Day, Week;
        public double Point, Short, Long, Noise;
        public double LogPoint, LogShort, LogLong, LogNoise;
        public double Score;
        public bool Repeat;
    }

    private static double Season(float deviation) => float.IsNaN(deviation) ? 0 : deviation;

    private static double Median(double a, double b, double c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}

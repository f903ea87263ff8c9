using Supervision.Scoring.Anomaly;

namespace Supervision.Scoring.Tests.Anomaly;

public class OnlineAnomalyDetectorTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly OnlineAnomalyDetector _detector = new(new AnomalyOptions());

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    // A frozen store, one reading a minute: -21 °C, ±0.8 °C daily cycle, a slow drift of +0.5 °C over three days,
    // noise σ 0.3, 0.1 °C resolution.
    private static double[] Normal(int minutes, int seed)
    {
        var random = new Random(seed);
        var values = new double[minutes];
        for (var t = 0; t < minutes; t++)
        {
            values[t] = Math.Round(-21 + (0.8 * Math.Sin(2 * Math.PI * t / 1440.0)) + (0.5 * t / 4320.0) + (0.3 * Gaussian(random)), 1);
        }
        return values;
    }

    private double[] Scores(double[] values, TimeSpan? step = null, Func<int, DateTimeOffset>? at = null)
    {
        var state = default(AnomalyState);
        var scores = new double[values.Length];
        for (var t = 0; t < values.Length; t++)
        {
            scores[t] = _detector.Update(ref state, at?.Invoke(t) ?? Start + ((step ?? TimeSpan.FromMinutes(1)) * t), values[t]);
        }
        return scores;
    }

    private (double[] Scores, AnomalyKind[] Kinds) ScoresAndKinds(double[] values)
    {
        var state = default(AnomalyState);
        var scores = new double[values.Length];
        var kinds = new AnomalyKind[values.Length];
        for (var t = 0; t < values.Length; t++)
        {
            scores[t] = _detector.Update(ref state, Start + TimeSpan.FromMinutes(t), values[t]);
            kinds[t] = state.Kind;
        }
        return (scores, kinds);
    }

    [Test]
    public void Update_NormalSeries_AtMostAboutOneReadingIn10000ScoresNineTenths()
    {
        long readings = 0, alarms = 0, overHalf = 0;
        for (var seed = 0; seed < 20; seed++)
        {
            var scores = Scores(Normal(7 * 1440, 100 + seed));
            readings += scores.Length - 300;
            alarms += scores.Skip(300).Count(s => s >= 0.9);
            overHalf += scores.Skip(300).Count(s => s >= 0.5);
        }
        Assert.That((double)alarms / readings, Is.LessThanOrEqualTo(2e-4), $"{alarms} of {readings}");
        Assert.That((double)overHalf / readings, Is.InRange(1e-3, 2e-2), "0.5 is rarer than about 1 in 170, not never");
    }

    [Test]
    public void Update_WarmUp_ScoresZero()
    {
        var values = Normal(40, 2);
        values[5] = 50;
        Assert.That(Scores(values).Take(30), Is.All.EqualTo(0));
    }

    [Test]
    public void Update_Spike_ScoresOneAsSpikeAndTheNextReadingIsNormal()
    {
        var values = Normal(2000, 3);
        values[1500] += 4;
        var (scores, kinds) = ScoresAndKinds(values);
        Assert.That(scores[1500], Is.EqualTo(1));
        Assert.That(kinds[1500], Is.EqualTo(AnomalyKind.Spike));
        Assert.That(kinds[1500].IsSensorFault(), Is.True);
        Assert.That(scores[1501], Is.LessThan(0.5), "the median of three does not see one spike");
    }

    [Test]
    public void Update_LevelShift_FlaggedAtOnceThenTheNewNormal()
    {
        var values = Normal(2000, 4);
        for (var t = 1500; t < values.Length; t++)
        {
            values[t] += 3;
        }
        var scores = Scores(values);
        Assert.That(scores[1500], Is.GreaterThanOrEqualTo(0.9));
        Assert.That(scores.Skip(1510).Max(), Is.LessThan(0.9));
    }

    [Test]
    public void Update_ExcursionThenBack_FlaggedOnceAndTheReturnClosesIt()
    {
        // A door left open for 30 minutes: the store jumps 6 °C, stays, then is back to normal.
        var values = Normal(2000, 17);
        for (var t = 1500; t < 1530; t++)
        {
            values[t] += 6;
        }
        var scores = Scores(values);
        Assert.That(scores[1500], Is.EqualTo(1));
        Assert.That(scores.Skip(1502).Count(s => s >= 0.9), Is.Zero, "after its first two readings, neither the excursion nor its end is a new anomaly");
        Assert.That(scores[1531], Is.LessThan(0.3), "the second reading back confirms the return");
    }

    [Test]
    public void Update_StoreWarmingFast_FlaggedWithinTheRampAsAProcessAnomaly()
    {
        var values = Normal(2000, 5);
        for (var t = 1500; t < 1560; t++)
        {
            values[t] += 3.0 * (t - 1499) / 60;
        }
        var (scores, kinds) = ScoresAndKinds(values);
        var first = Array.FindIndex(scores, 1500, s => s >= 0.9);
        Assert.That(first, Is.InRange(1500, 1559));
        Assert.That(kinds[first].IsSensorFault(), Is.False, kinds[first].ToString());
    }

    [Test]
    public void Update_StuckSensor_FlaggedOnceAsStuck()
    {
        var values = Normal(2000, 6);
        for (var t = 1500; t < 1600; t++)
        {
            values[t] = values[1499];
        }
        var (scores, kinds) = ScoresAndKinds(values);
        var first = Array.FindIndex(scores, 1500, s => s >= 0.9);
        Assert.That(first, Is.InRange(1503, 1515));
        Assert.That(kinds[first], Is.EqualTo(AnomalyKind.Stuck));
        Assert.That(scores.Skip(first + 1).Take(1599 - first).Count(s => s >= 0.9), Is.Zero, "the same run is not flagged again");
    }

    [Test]
    public void Update_ZeroFromASeriesFarFromZero_IsADropout()
    {
        var values = Normal(2000, 7);
        values[1500] = 0;
        var (scores, kinds) = ScoresAndKinds(values);
        Assert.That(scores[1500], Is.EqualTo(1));
        Assert.That(kinds[1500], Is.EqualTo(AnomalyKind.Dropout));
    }

    [Test]
    public void Update_DailyPattern_LearnedThenAContextAnomalyStandsOut()
    {
        // Ten-minute readings of a machine that runs 08:00-18:00 (load ~50) and idles at night (~5), for three weeks;
        // then one night it runs at a level that is normal by day.
        var random = new Random(8);
        var values = new double[21 * 144];
        for (var t = 0; t < values.Length; t++)
        {
            var hour = t % 144 / 6;
            values[t] = (hour is >= 8 and < 18 ? 50 : 5) + Gaussian(random);
        }
        var anomaly = (20 * 144) + 18;
        values[anomaly] = 50;
        var scores = Scores(values, TimeSpan.FromMinutes(10));
        Assert.That(scores.Skip(7 * 144).Take(anomaly - (7 * 144)).Max(), Is.LessThan(0.9), "the daily switch is normal after a week");
        Assert.That(scores[anomaly], Is.GreaterThanOrEqualTo(0.9), "50 at 03:00 is not");
    }

    [Test]
    public void Update_IntegerCountsWithLongRunsOfZeros_NoAlarm()
    {
        var random = new Random(9);
        var values = new double[20_000];
        for (var t = 0; t < values.Length; t++)
        {
            values[t] = random.NextDouble() < 0.03 ? random.Next(1, 3) : 0;
        }
        Assert.That(Scores(values).Skip(500).Count(s => s >= 0.9), Is.LessThanOrEqualTo(4));
    }

    [Test]
    public void Update_AnyScaleAndOffset_SameScores()
    {
        var values = Normal(3000, 10);
        values[2000] += 3;
        var scaled = values.Select(v => (v * 1e6) - 5e7).ToArray();
        var tiny = values.Select(v => v * 1e-9).ToArray();
        var scores = Scores(values);
        Assert.That(Scores(scaled), Is.EqualTo(scores).Within(1e-6));
        Assert.That(Scores(tiny), Is.EqualTo(scores).Within(1e-6));
    }

    [Test]
    public void Update_ConstantSeries_ScoresZero()
    {
        Assert.That(Scores(Enumerable.Repeat(4.2, 5000).ToArray()), Is.All.EqualTo(0));
    }

    [Test]
    public void Update_IrregularSampling_NoAlarm()
    {
        var random = new Random(11);
        var values = Normal(10_000, 11);
        var at = new DateTimeOffset[values.Length];
        at[0] = Start;
        for (var t = 1; t < at.Length; t++)
        {
            at[t] = at[t - 1] + TimeSpan.FromSeconds(10 + random.Next(0, 290));
        }
        Assert.That(Scores(values, at: t => at[t]).Skip(300).Count(s => s >= 0.9), Is.LessThanOrEqualTo(2));
    }

    [Test]
    public void Update_TimestampsGoingBack_ScoredInArrivalOrder()
    {
        var values = Normal(2000, 12);
        var scores = Scores(values, at: t => Start + TimeSpan.FromMinutes(t < 1000 ? t : t - 60));
        Assert.That(scores, Is.All.InRange(0.0, 1.0));
        Assert.That(scores.Skip(1000).Count(s => s >= 0.9), Is.LessThanOrEqualTo(1));
    }

    [Test]
    public void Update_NotFinite_ScoresZeroAndIsNotLearned()
    {
        var values = Normal(1000, 13);
        var state = default(AnomalyState);
        var twin = default(AnomalyState);
        for (var t = 0; t < values.Length; t++)
        {
            _detector.Update(ref state, Start + TimeSpan.FromMinutes(t), values[t]);
            _detector.Update(ref twin, Start + TimeSpan.FromMinutes(t), values[t]);
        }
        Assert.That(_detector.Update(ref state, Start + TimeSpan.FromMinutes(1000), double.NaN), Is.Zero);
        Assert.That(state.Readings, Is.EqualTo(twin.Readings));
    }

    [Test]
    public void Update_LaterReadings_DoNotChangeEarlierScores()
    {
        var values = Normal(500, 14);
        var early = Scores(values[..300]);
        values[350] = 40;
        Assert.That(Scores(values)[..300], Is.EqualTo(early));
    }

    [Test]
    public void Update_Reading_ExplainsExpectedValueAndSigma()
    {
        var values = Normal(2000, 15);
        values[1999] = -10;
        var state = default(AnomalyState);
        for (var t = 0; t < values.Length; t++)
        {
            _detector.Update(ref state, Start + TimeSpan.FromMinutes(t), values[t]);
        }
        Assert.That(state.Expected, Is.InRange(-22.0, -20.0));
        Assert.That(state.Sigma, Is.InRange(0.15, 0.6));
        Assert.That(state.Score, Is.EqualTo(1));
    }

    [Test]
    public void WriteTo_RestoredState_ScoresTheContinuationIdentically()
    {
        var values = Normal(6000, 16);
        values[4500] += 5;
        var state = default(AnomalyState);
        for (var t = 0; t < 4000; t++)
        {
            _detector.Update(ref state, Start + TimeSpan.FromMinutes(t), values[t]);
        }
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            state.WriteTo(writer);
        }
        buffer.Position = 0;
        var restored = AnomalyState.ReadFrom(new BinaryReader(buffer));
        Assert.That(buffer.Position, Is.EqualTo(buffer.Length));
        Assert.That(buffer.Length, Is.EqualTo(1372), "a fixed size, whatever the series' length");
        for (var t = 4000; t < values.Length; t++)
        {
            var at = Start + TimeSpan.FromMinutes(t);
            Assert.That(_detector.Update(ref restored, at, values[t]), Is.EqualTo(_detector.Update(ref state, at, values[t])), $"reading {t}");
        }
        Assert.That(restored.Kind, Is.EqualTo(state.Kind));
    }

    [Test]
    public void ReadFrom_OtherVersion_Refused()
    {
        using var buffer = new MemoryStream([AnomalyState.FormatVersion + 1, 0, 0, 0]);
        var error = Assert.Throws<InvalidDataException>(() => AnomalyState.ReadFrom(new BinaryReader(buffer)));
        Assert.That(error!.Message, Is.EqualTo($"anomaly detector state has format version {AnomalyState.FormatVersion + 1}; this build reads version {AnomalyState.FormatVersion}"));
    }

    [Test]
    public void Constructor_BadOption_NamesIt()
    {
        var error = Assert.Throws<ArgumentException>(() => new OnlineAnomalyDetector(new AnomalyOptions { LevelRate = 1.5 }));
        Assert.That(error!.Message, Does.StartWith("AnomalyOptions:LevelRate must be above 0 and below 1"));
    }
}

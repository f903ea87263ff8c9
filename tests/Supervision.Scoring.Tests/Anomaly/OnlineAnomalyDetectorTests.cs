using Supervision.Cli.Anomaly;
using Supervision.Cli.Commands;
using Supervision.Scoring.Anomaly;

namespace Supervision.Scoring.Tests.Anomaly;

public class OnlineAnomalyDetectorTests
{
    private readonly OnlineAnomalyDetector _detector = new(new AnomalyOptions());

    // A frozen store: -21 °C, ±0.8 °C daily cycle, a slow drift of +0.5 °C over three days, noise σ 0.3.
    private static double[] Normal(int minutes, int seed)
    {
        var random = new Random(seed);
        var values = new double[minutes];
        for (var t = 0; t < minutes; t++)
        {
            var noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[t] = Math.Round(-21 + (0.8 * Math.Sin(2 * Math.PI * t / 1440.0)) + (0.5 * t / 4320.0) + (0.3 * noise), 1);
        }
        return values;
    }

    private double[] Scores(double[] values)
    {
        var state = default(AnomalyState);
        return values.Select(v => _detector.Update(ref state, v)).ToArray();
    }

    [Test]
    public void Update_DailyCycleAndSlowDrift_StaysUnderHalf()
    {
        var scores = Scores(Normal(3 * 1440, 1));
        Assert.That(scores.Max(), Is.LessThan(0.5));
    }

    [Test]
    public void Update_WarmUp_ScoresZero()
    {
        var values = Normal(40, 2);
        values[5] = 50;
        Assert.That(Scores(values).Take(30), Is.All.EqualTo(0));
    }

    [Test]
    public void Update_Spike_ScoresNearOneAndNextReadingIsNormalAgain()
    {
        var values = Normal(600, 3);
        values[400] += 6;
        var scores = Scores(values);
        Assert.That(scores[400], Is.GreaterThan(0.99));
        Assert.That(scores[401], Is.LessThan(0.5), "a spike barely moves the level");
    }

    [Test]
    public void Update_LevelShift_FlagsAtOnceThenAcceptsTheNewLevel()
    {
        var values = Normal(900, 4);
        for (var t = 400; t < values.Length; t++)
        {
            values[t] += 3;
        }
        var scores = Scores(values);
        Assert.That(scores[400], Is.GreaterThan(0.9));
        Assert.That(scores.Skip(500).Max(), Is.LessThan(0.5));
    }

    [Test]
    public void Update_FastRamp_FlaggedWithinTheRamp()
    {
        var values = Normal(900, 5);
        for (var t = 400; t < 460; t++)
        {
            values[t] += 3.0 * (t - 399) / 60;
        }
        var scores = Scores(values);
        Assert.That(scores.Skip(400).Take(60).Max(), Is.GreaterThan(0.9));
        Assert.That(scores.Take(400).Max(), Is.LessThan(0.5));
    }

    [Test]
    public void Update_StuckSensor_ScoresOneAfterTwiceTheRun()
    {
        var values = Normal(600, 6);
        for (var t = 400; t < 430; t++)
        {
            values[t] = values[399];
        }
        var scores = Scores(values);
        Assert.That(scores[399 + 15], Is.EqualTo(1));
        Assert.That(scores[398], Is.LessThan(0.5));
    }

    [Test]
    public void Update_LaterReadings_DoNotChangeEarlierScores()
    {
        var values = Normal(500, 7);
        var early = Scores(values[..300]);
        values[350] = 40;
        Assert.That(Scores(values)[..300], Is.EqualTo(early));
    }

    [Test]
    public void Evaluation_SimulatedSeries_HighPrecisionAndRecall()
    {
        var result = AnomalyEvaluation.Run(10, 2, 9, new AnomalyOptions());
        Assert.That(result.Kinds.Sum(k => k.Events), Is.GreaterThan(20));
        Assert.That(result.Precision, Is.GreaterThan(0.85));
        Assert.That(result.Recall, Is.GreaterThan(0.9));
    }
}

public class DetectCommandTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "supervision-detect-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private (int Exit, string Log, string Output) Detect(string csv)
    {
        var input = Path.Combine(_directory, "series.csv");
        var output = Path.Combine(_directory, "scored.csv");
        File.WriteAllText(input, csv);
        var log = new StringWriter();
        var exit = DetectCommand.Run(new DetectCommand.Settings(Evaluate: false, input, output, Card: "", Series: 40, Days: 3, Seed: 42), log, TimeProvider.System);
        return (exit, log.ToString(), output);
    }

    [Test]
    public void Run_GoodSeries_WritesEveryRowWithScoreInRange()
    {
        var lines = Enumerable.Range(0, 100).Select(m => $"2026-11-27T09:{m / 60:00}:{m % 60:00}+08:00,{(m == 80 ? 5 : -21 + (0.1 * (m % 3))):0.0}");
        var (exit, log, output) = Detect("timestamp,value\n" + string.Join('\n', lines) + "\n");
        Assert.That(exit, Is.Zero, log);
        var rows = File.ReadAllLines(output);
        Assert.That(rows[0], Is.EqualTo("timestamp,value,anomaly_score"));
        Assert.That(rows, Has.Length.EqualTo(101));
        Assert.That(rows[1], Does.StartWith("2026-11-27T09:00:00+08:00,-21.0,"));
        var scores = rows.Skip(1).Select(r => double.Parse(r.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.That(scores, Is.All.InRange(0.0, 1.0));
        Assert.That(scores[80], Is.GreaterThan(0.99));
    }

    [Test]
    public void Run_BadRows_NamesEachLineAndWritesNothing()
    {
        var (exit, log, output) = Detect("timestamp,value\n2026-11-27 09:00:00,1.5\nyesterday,2\n2026-11-27 09:02:00,abc\n2026-11-27 09:03:00,2\n");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(log, Does.Contain("line 3: 'yesterday' is not a timestamp"));
        Assert.That(log, Does.Contain("line 4: 'abc' is not a number"));
        Assert.That(log, Does.Contain("2 bad rows; nothing written"));
        Assert.That(File.Exists(output), Is.False);
        Assert.That(Directory.GetFiles(_directory), Has.Length.EqualTo(1), "no temporary file left behind");
    }

    [Test]
    public void Run_NoHeader_SaysSoOnLine1()
    {
        var (exit, log, output) = Detect("2026-11-27T09:00:00Z,1.5\n");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(log, Does.Contain("line 1: expected the header 'timestamp,value', got '2026-11-27T09:00:00Z,1.5'"));
        Assert.That(File.Exists(output), Is.False);
    }

    [Test]
    public void Run_TimeGoesBackwards_IsABadRow()
    {
        var (exit, log, _) = Detect("timestamp,value\n2026-11-27T09:05:00Z,1\n2026-11-27T09:00:00Z,1\n");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(log, Does.Contain("line 3: timestamp 2026-11-27T09:00:00Z is earlier than line 2's"));
    }
}

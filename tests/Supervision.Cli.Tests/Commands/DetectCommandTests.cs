using Microsoft.Extensions.Time.Testing;
using Supervision.Cli.Commands;

namespace Supervision.Cli.Tests.Commands;

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
        var exit = DetectCommand.Run(new DetectCommand.Settings(Evaluate: false, input, output, Card: "", Corpus: "", Series: 40, Days: 3, Seed: 42), log, TimeProvider.System);
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
    public void Run_TimeGoesBackwards_ScoredWithOneWarningNamingTheLines()
    {
        var (exit, log, output) = Detect("timestamp,value\n2026-11-27T09:05:00Z,1\n2026-11-27T09:00:00Z,1\n2026-11-27T09:01:00Z,1\n2026-11-27T09:06:00Z,1\n");
        Assert.That(exit, Is.Zero, log);
        Assert.That(File.ReadAllLines(output), Has.Length.EqualTo(5));
        Assert.That(log, Does.Contain(": 2 timestamps earlier than a row before them (lines 3, 4): scored in file order"));
        Assert.That(log.Split('\n').Count(l => l.Contains("earlier", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public void Run_HeaderOnly_WritesTheHeaderAndSaysSo()
    {
        var (exit, log, output) = Detect("timestamp,value\n");
        Assert.That(exit, Is.Zero);
        Assert.That(File.ReadAllText(output), Is.EqualTo("timestamp,value,anomaly_score" + Environment.NewLine));
        Assert.That(log, Does.Contain("has no readings"));
    }

    [Test]
    public void Run_Evaluate_WritesTheCardWithBothCorpora()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !Directory.Exists(Path.Combine(root.FullName, "tests", "anomaly-corpus")))
        {
            root = root.Parent;
        }
        var card = Path.Combine(_directory, "anomaly.md");
        var log = new StringWriter();
        var settings = new DetectCommand.Settings(Evaluate: true, null, null, card, Path.Combine(root!.FullName, "tests", "anomaly-corpus"), Series: 4, Days: 2, Seed: 42);
        Assert.That(DetectCommand.Run(settings, log, new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero))), Is.Zero, log.ToString());
        var text = File.ReadAllText(card);
        Assert.That(text, Does.Contain("- **Evaluated:** 2026-12-08 01:00 UTC; simulator seed 42"));
        Assert.That(text, Does.Contain("## Real data: SKAB"));
        Assert.That(text, Does.Contain("| skab/other-22/thermocouple | 940 |"));
        Assert.That(text, Does.Contain("## Simulator"));
    }
}

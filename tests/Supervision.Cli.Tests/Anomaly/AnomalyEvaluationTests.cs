using Supervision.Cli.Anomaly;
using Supervision.Scoring.Anomaly;

namespace Supervision.Cli.Tests.Anomaly;

public class AnomalyEvaluationTests
{
    private static string CorpusDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "tests", "anomaly-corpus")))
        {
            directory = directory.Parent;
        }
        return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("tests/anomaly-corpus not found above " + AppContext.BaseDirectory), "tests", "anomaly-corpus");
    }

    [Test]
    public void Load_SkabCorpus_FourChannelsWithTheirLabels()
    {
        var series = SkabCorpus.Load(CorpusDirectory());
        Assert.That(series.Select(s => s.Name), Is.EqualTo(new[] { "skab/valve1-1/current", "skab/valve1-1/flow", "skab/other-22/temperature", "skab/other-22/thermocouple" }));
        Assert.That(series[0].Values, Has.Length.EqualTo(1145));
        Assert.That(series[0].Anomalies, Is.EqualTo(new[] { new LabelledWindow("labelled", 572, 972) }));
        Assert.That(new DateTimeOffset(series[0].Ticks[572], TimeSpan.Zero), Is.EqualTo(new DateTimeOffset(2020, 3, 9, 10, 44, 33, TimeSpan.Zero)));
        Assert.That(series[3].Anomalies, Is.EqualTo(new[] { new LabelledWindow("labelled", 571, 872) }));
    }

    [Test]
    public void Run_SimulatorAndRealSeries_NewDetectorBeatsThePreviousOneWithFewerFalseAlarms()
    {
        var result = AnomalyEvaluation.Run(SkabCorpus.Load(CorpusDirectory()), 10, 3, 9, new AnomalyOptions(), demoHours: 6);
        foreach (var (now, before) in new[] { (result.Current.Real, result.Previous.Real), (result.Current.Simulated, result.Previous.Simulated) })
        {
            Assert.That(now.At(0.9).Normalised, Is.GreaterThan(before.At(0.9).Normalised), now.Corpus);
            Assert.That(now.At(0.9).FalsePositives, Is.LessThan(before.At(0.9).FalsePositives), now.Corpus);
        }
        Assert.That(result.Current.Simulated.FalsePositiveRate09, Is.LessThan(3e-4));
        Assert.That(result.Current.Simulated.Kinds.Select(k => k.Kind), Is.EqualTo(new[] { "drift", "level_shift", "spike", "stuck" }));
        Assert.That(result.Demo.Hours, Is.EqualTo(6));
        Assert.That(result.Demo.Alerts, Is.GreaterThan(0));
        Assert.That(result.Demo.AlertsAtEvents, Is.LessThanOrEqualTo(result.Demo.Alerts));
    }

    [Test]
    public void Measure_DemoFeed_AlertsOncePerExcursionAndRarelyElsewhere()
    {
        var demo = DemoAlertRate.Measure(24);
        Assert.That(demo.Devices, Is.EqualTo(983));
        Assert.That((double)demo.EventsAlerted / demo.Events, Is.GreaterThan(0.9));
        Assert.That(demo.Alerts, Is.LessThanOrEqualTo(demo.Events), "one alert per excursion, not one at its start and another at its end");
        Assert.That(demo.UnexplainedPerThousandDeviceHours, Is.LessThan(0.5));
    }
}

using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Rules;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Rules.Storage.SilentLoggerRule"/>: no data, judged on processing-time ticks.</summary>
public class SilentLoggerRuleTests : RuleFixture
{
    // A live sensor's noise (identical readings in a row would be a stuck sensor, an anomaly of its own).
    private static double Noisy(int minute) => -21 + (0.1 * (minute % 7));

    // A frozen-store reading each minute for the first `minutes`, each arriving as it is observed.
    private void ReportFor(int minutes)
    {
        for (var m = 0; m < minutes; m++)
        {
            Feed(ColdChain(Start.AddMinutes(m), Noisy(m)));
        }
    }

    // Ticks each minute of processing time from `from` to `to` (minutes after Start), no reports.
    private void TickMinutes(int from, int to)
    {
        for (var m = from; m <= to; m++)
        {
            Engine.Advance(Start.AddMinutes(m), Changes);
        }
    }

    [Test]
    public void Advance_LoggerStopsReporting_WarnsAfterMinSilenceWithTheLastReading()
    {
        ReportFor(30);
        TickMinutes(30, 43);
        Assert.That(Changes, Is.Empty, "more than 15 minutes (the floor above 10 × 1 min) must pass after the last reading at minute 29");
        TickMinutes(44, 60);
        var alert = Changes.Single();
        Assert.That((alert.RuleId, alert.Severity, alert.Status), Is.EqualTo((RuleIds.SilentLogger, Severity.Warning, AlertStatus.Open)));
        Assert.That(alert.FirstSeen, Is.EqualTo(Start.AddMinutes(29)), "silent since the last reading, whenever the tick noticed");
        Assert.That(alert.Summary, Does.StartWith("cold-chain logger F-17 silent for 16 min (usually every 1 min); last reading -20.9 °C at 2026-11-27 00:29 UTC"));
    }

    [Test]
    public void Apply_SilentLoggerReportsAgain_Resolves()
    {
        ReportFor(30);
        TickMinutes(30, 50);
        Feed(ColdChain(Start.AddMinutes(51), Noisy(51)));
        Assert.That(Changes.Where(a => a.RuleId == RuleIds.SilentLogger).Select(a => a.Status), Is.EqualTo(new[] { AlertStatus.Open, AlertStatus.Resolved }));
    }

    [Test]
    public void Advance_SilentDuringAnExcursion_IsCritical()
    {
        ReportFor(10);
        for (var m = 10; m < 15; m++)
        {
            Feed(ColdChain(Start.AddMinutes(m), -10));
        }
        TickMinutes(15, 40);
        var silent = Changes.Single(a => a.RuleId == RuleIds.SilentLogger);
        Assert.That(silent.Severity, Is.EqualTo(Severity.Critical));
        Assert.That(silent.Summary, Does.EndWith("last reading -10.0 °C at 2026-11-27 00:14 UTC, during an excursion"));
    }

    [Test]
    public void Advance_FewerUploadsThanNeededToLearn_NotJudged()
    {
        ReportFor(4);
        TickMinutes(4, 200);
        Assert.That(Changes, Is.Empty);
    }

    [Test]
    public void Advance_LoggerUploadingHourlyBatches_IsNotSilentBetweenUploads()
    {
        // Each hour the logger uploads the hour's 60 readings at once; the engine ticks every minute between.
        for (var hour = 0; hour < 12; hour++)
        {
            var upload = Start.AddHours(hour + 1);
            var readings = Enumerable.Range(0, 60).Select(m => ColdChain(Start.AddHours(hour).AddMinutes(m), Noisy(m))).ToArray();
            Engine.Process(new ReportBatch(readings, upload), Changes);
            for (var m = 1; m < 60; m++)
            {
                Engine.Advance(upload.AddMinutes(m), Changes);
            }
        }
        Assert.That(Changes, Is.Empty, "its usual interval is the hour between uploads");
    }

    [Test]
    public void Process_BackfilledHourArrivingAtOnce_DoesNotRaise()
    {
        ReportFor(30);
        // An hour of old readings in one upload, with no tick in between: the logger is busy, not silent.
        var readings = Enumerable.Range(30, 60).Select(m => ColdChain(Start.AddMinutes(m), Noisy(m))).ToArray();
        Engine.Process(new ReportBatch(readings, Start.AddMinutes(31)), Changes);
        TickMinutes(32, 40);
        Assert.That(Changes, Is.Empty);
    }

    [Test]
    public void Advance_EngineWasDownForHours_DowntimeIsNotSilence()
    {
        ReportFor(30);
        // The next tick comes three hours later (a restart): uptime counts at most two minutes of that step.
        Engine.Advance(Start.AddHours(3), Changes);
        Feed(ColdChain(Start.AddHours(3).AddMinutes(1), Noisy(31)));
        Assert.That(Changes, Is.Empty);
    }
}

using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Tests.Pipeline;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Rules.Inspections.InspectionDueRule"/>: due dates, overdue units and the TSG calendar.</summary>
public class InspectionDueRuleTests : RuleFixture
{
    [Test]
    public void Inspection_DuePassesAsTelemetryMovesOn_OverdueAlertGrowsDailyAndBecomesCritical()
    {
        Feed(Inspection(Start, Today.AddYears(-1), Today.AddDays(1)));
        Assert.That(Changes, Is.Empty);
        // Telemetry every 6 h for 40 days: the inspection was due at the end of day 1, so day 2 is the first overdue day.
        Feed([.. Enumerable.Range(1, 160).Select(i => Elevator(Start.AddHours(6 * i), 0))]);
        Assert.That(Changes.Select(a => a.RuleId).Distinct(), Is.EqualTo(new[] { RuleIds.InspectionOverdue }));
        Assert.That(Changes.Select(a => a.AlertId).Distinct().Count(), Is.EqualTo(1), "one alert, updated");
        Assert.That(Changes, Has.Count.EqualTo(39), "once a day, 1 to 39 days overdue");
        Assert.That(Changes[0].FirstSeen, Is.EqualTo(Start.AddDays(2)));
        Assert.That(Changes[0].Summary, Is.EqualTo($"elevator E-01: periodic inspection overdue by 1 days (due {Today.AddDays(1):yyyy-MM-dd})"));
        Assert.That(Changes[0].Kind, Is.EqualTo("equipment.inspection"));
        Assert.That(Changes[29].Severity, Is.EqualTo(Severity.Warning), "30 days overdue");
        Assert.That(Changes[30].Severity, Is.EqualTo(Severity.Critical), "31 days overdue");

        var features = new float[RiskFeatures.Count];
        Engine.TryGetFeatures(Enterprise, Start.AddDays(12), features);
        Assert.That(features[RiskFeatures.InspectionOverdueDays], Is.EqualTo(10));

        // A new inspection moves the due date a year on: the overdue alert resolves and the feature drops to 0.
        Feed(Inspection(Start.AddDays(41), Today.AddDays(41), Today.AddDays(41).AddYears(1)));
        Assert.That(Changes[^1].Status, Is.EqualTo(AlertStatus.Resolved));
        Engine.TryGetFeatures(Enterprise, Start.AddDays(41), features);
        Assert.That(features[RiskFeatures.InspectionOverdueDays], Is.Zero);
    }

    [Test]
    public void Inspection_OlderReportArrivingLate_DoesNotMoveTheDueDate()
    {
        Feed(Inspection(Start, Today.AddDays(-10), Today.AddYears(1)), Inspection(Start.AddMinutes(1), Today.AddYears(-2), Today.AddYears(-1)));
        Feed(Elevator(Start.AddHours(2), 0));
        Assert.That(Changes, Is.Empty);
    }
}

/// <summary><see cref="Streaming.Rules.Inspections.InspectionDueRule"/> for registered elevators: the TSG calendar.</summary>
public class InspectionDueRuleCalendarTests : RuleFixture
{
    // E-01 was commissioned three years before Start: due at the end of its first year, then its fourth.
    private static readonly DateOnly Commissioned = Today.AddYears(-3).AddDays(20);

    protected override RuleSet Rules => RuleSets.With(register: $"{Enterprise.Value},E-01,elevator,{Commissioned:yyyy-MM-dd},1.75,\n");

    [Test]
    public void Apply_ReportedDueDateContradictsTheCalendar_Flagged()
    {
        var inspected = Commissioned.AddYears(1);
        Feed(Inspection(Start, inspected, inspected.AddYears(1)));
        var alert = Changes.Single();
        Assert.That((alert.RuleId, alert.Severity), Is.EqualTo((RuleIds.InspectionCalendar, Severity.Warning)));
        Assert.That(alert.Summary, Is.EqualTo(
            $"elevator E-01: the inspection of {inspected:yyyy-MM-dd} gives the next one as due {inspected.AddYears(1):yyyy-MM-dd}, but the TSG T7001-2023 calendar from its commissioning on {Commissioned:yyyy-MM-dd} has it due {Commissioned.AddYears(4):yyyy-MM-dd}"));
    }

    [Test]
    public void Apply_ReportAgreesWithTheCalendar_NoAlert()
    {
        Feed(Inspection(Start, Commissioned.AddYears(1), Commissioned.AddYears(4)));
        Assert.That(Changes, Is.Empty);
    }

    [Test]
    public void Advance_RegisteredElevatorNeverInspected_OverdueFromItsCalendar()
    {
        // The enterprise reports once (so the engine knows it); nothing about E-01's inspections ever arrives.
        Feed(Elevator(Start, 0));
        Engine.Advance(Start.AddDays(1), Changes);
        Assert.That(Changes.Select(a => a.Count), Is.EqualTo(new[] { 1, 2 }), "opened, then a day later one more day overdue");
        var alert = Changes[0];
        Assert.That(alert.RuleId, Is.EqualTo(RuleIds.InspectionOverdue));
        var due = Commissioned.AddYears(1);
        Assert.That(alert.FirstSeen, Is.EqualTo(new DateTimeOffset(due.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)));
        Assert.That(alert.Summary, Does.StartWith("elevator E-01: periodic inspection overdue by "));
        Assert.That(alert.Summary, Does.EndWith($"(due {due:yyyy-MM-dd})"));
    }

    [Test]
    public void Advance_TicksPassTheCalendarDueDate_OverdueWithoutNewReports()
    {
        var inspected = Commissioned.AddYears(1);
        Feed(Inspection(Start, inspected, Commissioned.AddYears(4)));
        var due = Commissioned.AddYears(4);
        var daysToDue = due.DayNumber - Today.DayNumber;
        Engine.Advance(Start.AddDays(daysToDue), Changes);
        Assert.That(Changes, Is.Empty, "due that day, overdue from the next");
        Engine.Advance(Start.AddDays(daysToDue + 1).AddHours(1), Changes);
        Assert.That(Changes.Single().Summary, Is.EqualTo($"elevator E-01: periodic inspection overdue by 1 days (due {due:yyyy-MM-dd})"));
    }
}

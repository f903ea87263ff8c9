using Supervision.Streaming.Rules;
using Supervision.Streaming.Rules.Inspections;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="InspectionCalendar"/>: TSG T7001-2023 years of service.</summary>
public class InspectionCalendarTests
{
    private static readonly DateOnly Commissioned = new(2020, 3, 1);
    private static readonly CalendarOptions Options = new();

    [Test]
    public void Dues_DefaultYears_ThenEveryYearAfterTheFifteenth()
    {
        var dues = InspectionCalendar.Dues(Commissioned, Options).Take(9).Select(d => d.Year);
        Assert.That(dues, Is.EqualTo(new[] { 2021, 2024, 2027, 2029, 2031, 2033, 2035, 2036, 2037 }));
    }

    [TestCase(null, "2021-03-01")]
    [TestCase("2020-12-31", "2021-03-01")] // more than two months early: does not count for the first due date
    [TestCase("2021-01-01", "2024-03-01")] // exactly two months early counts
    [TestCase("2021-05-20", "2024-03-01")] // late, but done: counts for the due date it missed
    [TestCase("2035-02-01", "2036-03-01")]
    [TestCase("2036-03-01", "2037-03-01")]
    public void NextDue_AfterAnInspection_IsTheFirstDueDateItDoesNotCover(string? inspected, string expected)
    {
        var on = inspected is null ? (DateOnly?)null : DateOnly.Parse(inspected);
        Assert.That(InspectionCalendar.NextDue(Commissioned, on, Options), Is.EqualTo(DateOnly.Parse(expected)));
    }

    [Test]
    public void Validate_YearsNotRising_NamesTheKey()
    {
        var options = new CalendarOptions { ElevatorYears = [4, 1] };
        Assert.That(options.Validate(), Is.EqualTo("Rules:Calendar:ElevatorYears must be rising years of service, each at least 1"));
    }
}

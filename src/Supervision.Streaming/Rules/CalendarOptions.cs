namespace Supervision.Streaming.Rules;

/// <summary>
/// The periodic-inspection calendar of elevators (TSG T7001-2023): periodic inspection in the listed years of
/// service, every year after the last of them, self-testing in the other years; an inspection may be done up to
/// <see cref="EarlyMonths"/> before it is due.
/// </summary>
public sealed class CalendarOptions
{
    /// <summary>Years of service in which an elevator has a periodic inspection.</summary>
    public int[] ElevatorYears { get; set; } = [1, 4, 7, 9, 11, 13, 15];

    /// <summary>After the last listed year, a periodic inspection every this many years.</summary>
    public int YearsAfter { get; set; } = 1;

    /// <summary>How many months before its due date an inspection may be done and still count for it.</summary>
    public int EarlyMonths { get; set; } = 2;

    public string? Validate() =>
        ElevatorYears.Length == 0 || ElevatorYears.Any(y => y < 1) || !ElevatorYears.SequenceEqual(ElevatorYears.Order().Distinct())
            ? "Rules:Calendar:ElevatorYears must be rising years of service, each at least 1"
            : YearsAfter < 1 ? "Rules:Calendar:YearsAfter must be at least 1"
            : EarlyMonths is < 0 or > 11 ? "Rules:Calendar:EarlyMonths must be from 0 to 11" : null;
}

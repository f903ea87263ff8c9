namespace Supervision.Streaming.Rules.Inspections;

/// <summary>
/// The periodic-inspection calendar of an elevator (TSG T7001-2023): inspections are due at the end of the listed
/// years of service counted from commissioning (1, 4, 7, 9, 11, 13 and 15 by default), then every year; an
/// inspection done up to <see cref="CalendarOptions.EarlyMonths"/> months before a due date counts for it.
/// </summary>
public static class InspectionCalendar
{
    /// <summary>Due dates from commissioning on, in order (endless).</summary>
    public static IEnumerable<DateOnly> Dues(DateOnly commissioned, CalendarOptions options)
    {
        var year = 0;
        foreach (var y in options.ElevatorYears)
        {
            year = y;
            yield return commissioned.AddYears(y);
        }
        while (year < 200)
        {
            year += options.YearsAfter;
            yield return commissioned.AddYears(year);
        }
    }

    /// <summary>
    /// The next due date after an inspection on <paramref name="inspected"/> (null: never inspected): the first due
    /// date the inspection does not already count for.
    /// </summary>
    public static DateOnly NextDue(DateOnly commissioned, DateOnly? inspected, CalendarOptions options)
    {
        foreach (var due in Dues(commissioned, options))
        {
            if (inspected is not { } on || due.AddMonths(-options.EarlyMonths) > on)
            {
                return due;
            }
        }
        return DateOnly.MaxValue;
    }
}

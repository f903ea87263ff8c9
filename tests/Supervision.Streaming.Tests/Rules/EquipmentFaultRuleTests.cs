using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Rules;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Rules.Equipment.ElevatorDoorFaultRule"/>.</summary>
public class ElevatorDoorFaultRuleTests : RuleFixture
{
    private static Report Door(double minute, double value) =>
        new($"D-{minute}", Enterprise, Region, ReportKind.EquipmentTelemetry, Start.AddMinutes(minute), new EquipmentTelemetry("E-01", EquipmentType.Elevator, EquipmentMetrics.DoorFault, value));

    [Test]
    public void Apply_DoorFaultLasting_WarningThenCriticalThenResolved()
    {
        Feed(Door(0, 1), Door(10, 1), Door(30, 1), Door(31, 0));
        Assert.That(Changes.Select(a => (a.RuleId, a.Severity, a.Status)), Is.EqualTo(new[]
        {
            (RuleIds.ElevatorDoorFault, Severity.Warning, AlertStatus.Open),
            (RuleIds.ElevatorDoorFault, Severity.Warning, AlertStatus.Open),
            (RuleIds.ElevatorDoorFault, Severity.Critical, AlertStatus.Open),
            (RuleIds.ElevatorDoorFault, Severity.Critical, AlertStatus.Resolved),
        }));
        Assert.That(Changes[2].Summary, Is.EqualTo("elevator E-01: door fault for 30 min"));
    }
}

/// <summary><see cref="Streaming.Rules.Equipment.EquipmentOverRatingRule"/>: ratings from the equipment register.</summary>
public class EquipmentOverRatingRuleTests : RuleFixture
{
    // E-01 has never reported an inspection, so it is also overdue by its calendar; these tests look past that.
    protected override RuleSet Rules => RuleSets.With(register: $"{Enterprise.Value},E-01,elevator,2020-01-01,1.75,\n{Enterprise.Value},B-01,boiler,2018-06-01,,1.25\n");

    private static Report Metric(double minute, string equipment, EquipmentType type, string metric, double value) =>
        new($"M-{equipment}-{minute}", Enterprise, Region, ReportKind.EquipmentTelemetry, Start.AddMinutes(minute), new EquipmentTelemetry(equipment, type, metric, value));

    [Test]
    public void Apply_ElevatorAt115PercentOfRatedSpeed_IsOverspeed()
    {
        Feed(Metric(0, "E-01", EquipmentType.Elevator, EquipmentMetrics.SpeedMs, 2.0), Metric(1, "E-01", EquipmentType.Elevator, EquipmentMetrics.SpeedMs, 2.02));
        var alert = Changes.Single(a => a.RuleId != RuleIds.InspectionOverdue);
        Assert.That((alert.RuleId, alert.Severity), Is.EqualTo((RuleIds.ElevatorOverspeed, Severity.Critical)), "2.0 m/s is 114 % of 1.75, 2.02 is 115.4 %");
        Assert.That(alert.Summary, Is.EqualTo("elevator E-01: 2.02 m/s, 115 % of its rated 1.75 m/s (safety gear trips at 115 %)"));
    }

    [Test]
    public void Apply_BoilerOverRatedPressure_CriticalUntilBackWithin()
    {
        Feed(Metric(0, "B-01", EquipmentType.Boiler, EquipmentMetrics.PressureMpa, 1.3), Metric(1, "B-01", EquipmentType.Boiler, EquipmentMetrics.PressureMpa, 1.2));
        Assert.That(Changes.Where(a => a.RuleId != RuleIds.InspectionOverdue).Select(a => (a.RuleId, a.Status)), Is.EqualTo(new[]
        {
            (RuleIds.PressureOverRating, AlertStatus.Open), (RuleIds.PressureOverRating, AlertStatus.Resolved),
        }));
        Assert.That(Changes.First(a => a.RuleId == RuleIds.PressureOverRating).Summary, Is.EqualTo("boiler B-01: 1.3 MPa, above its rated working pressure of 1.25 MPa"));
    }

    [Test]
    public void Apply_EquipmentNotRegistered_NotJudged()
    {
        Feed(Metric(0, "B-99", EquipmentType.Boiler, EquipmentMetrics.PressureMpa, 50));
        Assert.That(Changes.Where(a => a.RuleId == RuleIds.PressureOverRating), Is.Empty);
    }
}

using Supervision.Domain.Reports;

namespace Supervision.Streaming.Rules.Anomaly;

/// <summary>
/// Anomalies in continuous equipment telemetry (<c>anomaly.equipment.telemetry</c>): pressure, current, speed and
/// any other numeric metric; the 0/1 flags (trapped passenger, door fault) are judged by their own rules.
/// </summary>
public sealed class TelemetryAnomalyRule : SeriesAnomalies
{
    public override string Name => "telemetry-anomaly";

    public override IReadOnlyList<string> Ids => [RuleIds.TelemetryAnomaly];

    public override IReadOnlyList<ReportKind> Kinds => [ReportKind.EquipmentTelemetry];

    public override void Apply(in Report report, in ReportContext context)
    {
        var telemetry = (EquipmentTelemetry)report.Payload;
        if (telemetry.Metric is EquipmentMetrics.TrappedPassenger or EquipmentMetrics.DoorFault)
        {
            return;
        }
        Score(in report, in context, telemetry.EquipmentId, telemetry.Metric, telemetry.Value, telemetry.EquipmentType.Name(), RuleIds.TelemetryAnomaly);
    }
}

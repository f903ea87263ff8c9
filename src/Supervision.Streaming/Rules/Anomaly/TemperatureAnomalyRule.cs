using Supervision.Domain.Reports;

namespace Supervision.Streaming.Rules.Anomaly;

/// <summary>
/// Anomalies in store temperatures (<c>anomaly.coldchain.temperature</c>, <c>anomaly.drug.temperature</c>): what
/// limits miss, such as a probe spike, a sensor stuck on one value or a store warming fast while still in range.
/// </summary>
public sealed class TemperatureAnomalyRule : SeriesAnomalies
{
    public override string Name => "temperature-anomaly";

    public override IReadOnlyList<string> Ids => [RuleIds.ColdChainAnomaly, RuleIds.DrugStorageAnomaly];

    public override IReadOnlyList<ReportKind> Kinds => [ReportKind.FoodColdChain, ReportKind.DrugStorage];

    public override void Apply(in Report report, in ReportContext context)
    {
        switch (report.Payload)
        {
            case ColdChainReading c:
                Score(in report, in context, c.DeviceId, "temperatureC", c.TemperatureC, c.StorageClass == FoodStorageClass.Frozen ? "frozen store" : "chilled store", RuleIds.ColdChainAnomaly);
                break;
            case DrugStorageReading d:
                var what = d.StorageClass switch
                {
                    DrugStorageClass.Cold => "cold drug store",
                    DrugStorageClass.Cool => "cool drug store",
                    _ => "drug store",
                };
                Score(in report, in context, d.WarehouseId, "temperatureC", d.TemperatureC, what, RuleIds.DrugStorageAnomaly);
                break;
        }
    }
}

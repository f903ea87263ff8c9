using Supervision.Domain.Reports;

namespace Supervision.Streaming.Rules.Storage;

/// <summary>
/// Chinese Pharmacopoeia storage classes (<c>chp.drug.storage.cold</c>, <c>.cool</c>, <c>.normal</c>): a
/// warehouse outside 2–10 °C, above 20 °C or outside 10–30 °C, judged on duration as the cold chain is.
/// </summary>
public sealed class DrugStorageRule : StorageExcursions
{
    public override string Name => "drug-storage";

    public override IReadOnlyList<string> Ids => [RuleIds.DrugStorageCold, RuleIds.DrugStorageCool, RuleIds.DrugStorageNormal];

    protected override ReportKind Kind => ReportKind.DrugStorage;

    public override void Apply(in Report report, in ReportContext context)
    {
        var reading = (DrugStorageReading)report.Payload;
        var options = context.Engine.Options;
        var (min, max, what, ruleId) = reading.StorageClass switch
        {
            DrugStorageClass.Cold => (options.DrugColdMinC, options.DrugColdMaxC, "cold drug store", RuleIds.DrugStorageCold),
            DrugStorageClass.Cool => (double.NegativeInfinity, options.DrugCoolMaxC, "cool drug store", RuleIds.DrugStorageCool),
            _ => (options.DrugNormalMinC, options.DrugNormalMaxC, "drug store", RuleIds.DrugStorageNormal),
        };
        Judge(in report, in context, reading.WarehouseId, reading.TemperatureC, min, max, what, ruleId);
    }
}

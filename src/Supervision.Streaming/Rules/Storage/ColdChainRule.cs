using Supervision.Domain.Reports;

namespace Supervision.Streaming.Rules.Storage;

/// <summary>
/// HACCP critical limits of the food cold chain (<c>haccp.frozen.max</c>, <c>haccp.chilled.range</c>): a frozen
/// store above −18 °C, a chilled one outside 0–4 °C (limits are options), alerting once the excursion has lasted
/// <see cref="RuleOptions.MinExcursion"/>; critical after <see cref="RuleOptions.CriticalExcursion"/> or 10 °C out.
/// </summary>
public sealed class ColdChainRule : StorageExcursions
{
    public override string Name => "cold-chain";

    public override IReadOnlyList<string> Ids => [RuleIds.FrozenMax, RuleIds.ChilledRange];

    protected override ReportKind Kind => ReportKind.FoodColdChain;

    public override void Apply(in Report report, in ReportContext context)
    {
        var reading = (ColdChainReading)report.Payload;
        var options = context.Engine.Options;
        if (reading.StorageClass == FoodStorageClass.Frozen)
        {
            Judge(in report, in context, reading.DeviceId, reading.TemperatureC, double.NegativeInfinity, options.FrozenMaxC, "frozen store", RuleIds.FrozenMax);
        }
        else
        {
            Judge(in report, in context, reading.DeviceId, reading.TemperatureC, options.ChilledMinC, options.ChilledMaxC, "chilled store", RuleIds.ChilledRange);
        }
    }
}

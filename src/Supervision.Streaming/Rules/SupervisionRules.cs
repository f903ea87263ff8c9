using Supervision.Streaming.Rules.Anomaly;
using Supervision.Streaming.Rules.Batches;
using Supervision.Streaming.Rules.Equipment;
using Supervision.Streaming.Rules.Inspections;
using Supervision.Streaming.Rules.Samples;
using Supervision.Streaming.Rules.Storage;
using Supervision.Streaming.Rules.Traceability;

namespace Supervision.Streaming.Rules;

/// <summary>
/// Every rule the engine runs, registered in one place. Adding a rule is a new <see cref="Rule"/> type, its
/// options in <see cref="RuleOptions"/>, a line here and its tests. Rules reading the same kind run in this order
/// (an anomaly before the limit on the same reading, as alerts have always been emitted).
/// </summary>
public static class SupervisionRules
{
    /// <summary>A fresh instance of every rule (each engine owns its rules' state).</summary>
    public static IReadOnlyList<Rule> Create()
    {
        var coldChain = new ColdChainRule();
        var drugStorage = new DrugStorageRule();
        return
        [
            new TemperatureAnomalyRule(),
            coldChain,
            drugStorage,
            new SilentLoggerRule(coldChain, drugStorage),
            new TelemetryAnomalyRule(),
            new ElevatorTrappedRule(),
            new ElevatorDoorFaultRule(),
            new EquipmentOverRatingRule(),
            new ResidueLimitRule(),
            new SamplingLimitRule(),
            new InspectionDueRule(),
            new InspectionResultRule(),
            new DrugBatchRule(),
            new FoodBatchRule(),
            new RecalledBatchRule(),
            new TraceabilityRule(),
            new AdverseEventCountRule(),
        ];
    }
}

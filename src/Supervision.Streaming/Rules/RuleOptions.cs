using Supervision.Scoring.Anomaly;

namespace Supervision.Streaming.Rules;

/// <summary>Regulatory limits and judgement periods the rules apply (DOMAIN.md "Regulatory rules with sources").</summary>
public sealed class RuleOptions
{
    /// <summary>HACCP critical limit for frozen storage: at most this temperature, °C.</summary>
    public double FrozenMaxC { get; set; } = -18;

    /// <summary>Lower limit for chilled storage, °C.</summary>
    public double ChilledMinC { get; set; }

    /// <summary>Upper limit for chilled storage, °C; guidance varies between 4 and 5.</summary>
    public double ChilledMaxC { get; set; } = 4;

    /// <summary>Drug cold storage (Chinese Pharmacopoeia, 冷处): at least this temperature, °C.</summary>
    public double DrugColdMinC { get; set; } = 2;

    /// <summary>Drug cold storage: at most this temperature, °C.</summary>
    public double DrugColdMaxC { get; set; } = 10;

    /// <summary>Drug cool storage (阴凉处): at most this temperature, °C.</summary>
    public double DrugCoolMaxC { get; set; } = 20;

    /// <summary>Drug storage at room temperature (常温): at least this temperature, °C.</summary>
    public double DrugNormalMinC { get; set; } = 10;

    /// <summary>Drug storage at room temperature: at most this temperature, °C.</summary>
    public double DrugNormalMaxC { get; set; } = 30;

    /// <summary>CSV of maximum residue limits (<c>pesticide,food,mrlMgKg</c>); empty uses the built-in sample, which is not the official GB 2763 table.</summary>
    public string ResidueLimitsFile { get; set; } = "";

    /// <summary>CSV of the food classification (<c>commodity,subgroup,group</c>); empty uses the built-in sample.</summary>
    public string FoodClassificationFile { get; set; } = "";

    /// <summary>A sample (pesticide residue, food sampling) at this multiple of its limit or more is a critical alert.</summary>
    public double CriticalSampleFactor { get; set; } = 5;

    /// <summary>Equipment overdue for its periodic inspection by more than this many days is a critical alert.</summary>
    public int CriticalOverdueDays { get; set; } = 30;

    /// <summary>An excursion becomes an alert once it has lasted this long in event time.</summary>
    public TimeSpan MinExcursion { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>An excursion that lasts this long is critical.</summary>
    public TimeSpan CriticalExcursion { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>Longest gap between two readings that still counts as one continuous observation.</summary>
    public TimeSpan MaxReadingGap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The streaming anomaly detector run on every numeric sensor series (cold-chain temperature, equipment telemetry).</summary>
    public AnomalyOptions Anomaly { get; set; } = new();

    /// <summary>Anomaly score at which a series opens an anomaly alert.</summary>
    public double AnomalyAlertScore { get; set; } = 0.9;

    /// <summary>Anomaly score under which an open anomaly alert resolves.</summary>
    public double AnomalyResolveScore { get; set; } = 0.3;

    /// <summary>Credit grade thresholds.</summary>
    public GradingOptions Grading { get; set; } = new();

    /// <summary>CSV of recalled batches (<c>kind,licenceNo,batchNo,recalledOn,reason</c>); empty: none.</summary>
    public string RecallListFile { get; set; } = "";

    /// <summary>CSV of registered special equipment with rated values and commissioning dates; empty: none registered.</summary>
    public string EquipmentRegisterFile { get; set; } = "";

    /// <summary>
    /// A JSON file with the same keys as this section, layered over it and watched: edit it to change rule options
    /// without a restart. Empty: <c>rules.json</c> in the data directory.
    /// </summary>
    public string File { get; set; } = "";

    /// <summary>How out of order a source's reports may arrive: <c>drop</c> (store and count, do not judge) or <c>adjust</c>.</summary>
    public string DisorderPolicy { get; set; } = "drop";

    /// <summary>How far behind its source's newest report a report is still judged as it is.</summary>
    public TimeSpan Lateness { get; set; } = TimeSpan.Zero;

    /// <summary>Silent loggers (no data).</summary>
    public SilenceOptions Silence { get; set; } = new();

    /// <summary>The periodic-inspection calendar of elevators.</summary>
    public CalendarOptions Calendar { get; set; } = new();

    /// <summary>Equipment faults from telemetry.</summary>
    public FaultOptions Faults { get; set; } = new();

    /// <summary>Traceability chains of agricultural lots.</summary>
    public TraceabilityOptions Traceability { get; set; } = new();

    /// <summary>How long state that can no longer matter is kept before it is evicted.</summary>
    public RetentionOptions Retention { get; set; } = new();

    /// <summary>The disorder policy the options name.</summary>
    public Pipeline.DisorderPolicy Disorder() => Pipeline.DisorderPolicy.FromName(DisorderPolicy, Lateness) ?? Pipeline.DisorderPolicy.Default;

    /// <summary>Checks the values (not the data files: <see cref="RuleSet.Load"/> reads those); returns the first problem, naming the key, or null.</summary>
    public string? Validate()
    {
        if (Pipeline.DisorderPolicy.FromName(DisorderPolicy, Lateness) is null)
        {
            return $"Rules:DisorderPolicy '{DisorderPolicy}' must be 'drop' or 'adjust'";
        }
        if (Lateness < TimeSpan.Zero)
        {
            return "Rules:Lateness must not be negative";
        }
        if ((Silence.Validate() ?? Calendar.Validate() ?? Faults.Validate() ?? Traceability.Validate() ?? Retention.Validate()) is { } nested)
        {
            return nested;
        }
        if (!(DrugColdMinC < DrugColdMaxC && DrugNormalMinC < DrugNormalMaxC))
        {
            return "Rules:DrugColdMinC must be below Rules:DrugColdMaxC, and Rules:DrugNormalMinC below Rules:DrugNormalMaxC";
        }
        if (CriticalOverdueDays < 1)
        {
            return "Rules:CriticalOverdueDays must be at least 1";
        }
        if (!(CriticalSampleFactor >= 1))
        {
            return "Rules:CriticalSampleFactor must be at least 1";
        }
        if (!(AnomalyResolveScore > 0 && AnomalyResolveScore < AnomalyAlertScore && AnomalyAlertScore <= 1))
        {
            return "Rules:AnomalyResolveScore must be above 0 and below Rules:AnomalyAlertScore, which must be at most 1";
        }
        if (Anomaly.Validate("Rules:Anomaly") is { } anomaly)
        {
            return anomaly;
        }
        if (Grading.Validate() is { } grading)
        {
            return grading;
        }
        if (ChilledMinC >= ChilledMaxC)
        {
            return "Rules:ChilledMinC must be below Rules:ChilledMaxC";
        }
        if (MinExcursion <= TimeSpan.Zero)
        {
            return "Rules:MinExcursion must be positive";
        }
        if (CriticalExcursion < MinExcursion)
        {
            return "Rules:CriticalExcursion must not be shorter than Rules:MinExcursion";
        }
        return MaxReadingGap <= TimeSpan.Zero ? "Rules:MaxReadingGap must be positive" : null;
    }
}

/// <summary>Rule identifiers as alerts carry them.</summary>
public static class RuleIds
{
    public const string FrozenMax = "haccp.frozen.max";
    public const string ChilledRange = "haccp.chilled.range";
    public const string ElevatorTrapped = "tsg.elevator.trapped";
    public const string ColdChainAnomaly = "anomaly.coldchain.temperature";
    public const string TelemetryAnomaly = "anomaly.equipment.telemetry";
    public const string DrugStorageCold = "chp.drug.storage.cold";
    public const string DrugStorageCool = "chp.drug.storage.cool";
    public const string DrugStorageNormal = "chp.drug.storage.normal";
    public const string DrugStorageAnomaly = "anomaly.drug.temperature";
    public const string ResidueOverLimit = "gb2763.residue.mrl";
    public const string SamplingOverLimit = "food.sampling.limit";
    public const string InspectionFailed = "tsg.inspection.failed";
    public const string InspectionOverdue = "tsg.inspection.overdue";
    public const string DrugBatchExpired = "drug.batch.expired";
    public const string FoodBatchExpired = "food.batch.expired";
    public const string DrugExpiredStock = "drug.batch.expired_stock";
    public const string RecalledBatchMoved = "recall.batch.moved";
    public const string SilentLogger = "device.silent";
    public const string InspectionCalendar = "tsg.inspection.calendar";
    public const string ElevatorDoorFault = "tsg.elevator.door_fault";
    public const string ElevatorOverspeed = "tsg.elevator.overspeed";
    public const string PressureOverRating = "tsg.pressure.over_rating";
    public const string TraceBreak = "agri.trace.break";
    public const string TraceOrigin = "agri.trace.origin";
    public const string TraceQuantity = "agri.trace.quantity";
}

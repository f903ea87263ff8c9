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

    private ResidueLimits? _residueLimits;

    /// <summary>The residue tables the files name, loaded once.</summary>
    /// <exception cref="ResidueTableException">A file is missing or malformed.</exception>
    public ResidueLimits ResidueTable() => _residueLimits ??= ResidueLimits.Load(ResidueLimitsFile, FoodClassificationFile);

    /// <summary>Checks the values; returns the first problem, naming the key, or null.</summary>
    public string? Validate()
    {
        try
        {
            ResidueTable();
        }
        catch (ResidueTableException e)
        {
            return "Rules:ResidueLimitsFile / Rules:FoodClassificationFile: " + e.Message;
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
}

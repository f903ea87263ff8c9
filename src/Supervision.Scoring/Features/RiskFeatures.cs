namespace Supervision.Scoring.Features;

/// <summary>
/// The enterprise risk feature vector: its layout, names and meanings. Streaming state fills it, at training
/// time and at scoring time alike, so the model never sees features computed two ways.
/// </summary>
public static class RiskFeatures
{
    /// <summary>Sector as a number (1 food, 2 drug, 3 agri, 4 equipment).</summary>
    public const int Sector = 0;

    /// <summary>Reports from the enterprise in the last 24 h of event time.</summary>
    public const int Readings24h = 1;

    /// <summary>Minutes stores (food cold chain, drug storage) spent outside their temperature limits in the last 24 h.</summary>
    public const int ExcursionMinutes24h = 2;

    /// <summary>Share of readings and samples outside their limits in the last 24 h, 0 to 1.</summary>
    public const int OverLimitShare24h = 3;

    /// <summary>Trapped-passenger events in the last 24 h.</summary>
    public const int TrappedEvents24h = 4;

    /// <summary>Largest excess over a storage temperature limit in the last 24 h, °C.</summary>
    public const int MaxExcessC24h = 5;

    /// <summary>Alerts of the enterprise open now.</summary>
    public const int OpenAlerts = 6;

    /// <summary>Adverse drug reaction reports in the last 24 h; a serious one counts twice.</summary>
    public const int AdverseEvents24h = 7;

    /// <summary>Samples over their limit (pesticide residue over the MRL, food sampling over its limit) in the last 24 h.</summary>
    public const int FailedSamplings24h = 8;

    /// <summary>Days the enterprise's most overdue equipment is past its periodic inspection's due date; 0 when none is overdue.</summary>
    public const int InspectionOverdueDays = 9;

    /// <summary>Expired batches moved or reported (drug batches out past expiry, food batches past shelf life) in the last 24 h.</summary>
    public const int ExpiredBatches24h = 10;

    /// <summary>Length of the vector.</summary>
    public const int Count = 11;

    /// <summary>Names in vector order, as models and explanations show them.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "sector", "readings24h", "excursionMinutes24h", "overLimitShare24h", "trappedEvents24h", "maxExcessC24h", "openAlerts",
        "adverseEvents24h", "failedSamplings24h", "inspectionOverdueDays", "expiredBatches24h",
    ];

    /// <summary>What each feature means, in vector order, as model cards show it.</summary>
    public static IReadOnlyList<string> Meanings { get; } =
    [
        "sector (1 food, 2 drug, 3 agri, 4 equipment)",
        "reports in the last 24 h of event time",
        "minutes stores (food cold chain, drug storage) spent outside their temperature limits in the last 24 h",
        "share of readings and samples outside their limits in the last 24 h",
        "trapped-passenger events in the last 24 h",
        "largest excess over a storage temperature limit in the last 24 h, °C",
        "alerts open now",
        "adverse drug reaction reports in the last 24 h, a serious one counting twice",
        "samples over their limit (pesticide residue over the MRL, food sampling) in the last 24 h",
        "days the most overdue equipment is past its periodic inspection's due date, 0 when none is overdue",
        "expired batches moved or reported (drug batches out past expiry, food batches past shelf life) in the last 24 h",
    ];
}

namespace Supervision.Scoring.Anomaly;

/// <summary>
/// What made a reading unusual, by the detector test that scored it highest. <see cref="Spike"/>,
/// <see cref="Stuck"/> and <see cref="Dropout"/> are what failing sensors do; <see cref="LevelShift"/>,
/// <see cref="Drift"/> and <see cref="Noise"/> are what a changing process does (a store warming, a motor drawing
/// more current, a bearing starting to vibrate).
/// </summary>
public enum AnomalyKind : byte
{
    /// <summary>Nothing unusual.</summary>
    None = 0,

    /// <summary>One reading far from what its neighbours and the time of day predict (point anomaly).</summary>
    Spike = 1,

    /// <summary>The sensor repeats one value for longer than this series ever did.</summary>
    Stuck = 2,

    /// <summary>A reading of exactly zero from a series that is never near zero, or the first after a gap far longer than usual.</summary>
    Dropout = 3,

    /// <summary>The level moved and stays (a collective anomaly over a few readings).</summary>
    LevelShift = 4,

    /// <summary>A persistent bias building over tens of readings (a slow collective anomaly: warming, wear).</summary>
    Drift = 5,

    /// <summary>The readings scatter more than usual around what is expected.</summary>
    Noise = 6,
}

namespace Supervision.Scoring.Anomaly;

/// <summary>Names and groups of <see cref="AnomalyKind"/>.</summary>
public static class AnomalyKindExtensions
{
    /// <summary>True for what a failing sensor does (spike, stuck, dropout) rather than a changing process.</summary>
    public static bool IsSensorFault(this AnomalyKind kind) => kind is AnomalyKind.Spike or AnomalyKind.Stuck or AnomalyKind.Dropout;

    /// <summary>Lower-case words for summaries and files: <c>spike</c>, <c>stuck</c>, <c>dropout</c>, <c>level shift</c>, <c>drift</c>, <c>noise</c>.</summary>
    public static string Describe(this AnomalyKind kind) => kind switch
    {
        AnomalyKind.Spike => "spike",
        AnomalyKind.Stuck => "stuck",
        AnomalyKind.Dropout => "dropout",
        AnomalyKind.LevelShift => "level shift",
        AnomalyKind.Drift => "drift",
        AnomalyKind.Noise => "noise",
        _ => "none",
    };
}

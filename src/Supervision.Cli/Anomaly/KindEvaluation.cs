namespace Supervision.Cli.Anomaly;

/// <summary>Recall and delay of one injected kind (simulator).</summary>
/// <param name="Kind">The kind.</param>
/// <param name="At09">Its windows at 0.9 (false positives not counted here).</param>
/// <param name="At05">Its windows at 0.5.</param>
public sealed record KindEvaluation(string Kind, WindowScore At09, WindowScore At05);

namespace Supervision.Cli.Anomaly;

/// <summary>A labelled anomaly: readings <paramref name="Start"/> to <paramref name="End"/> (inclusive indices) are anomalous.</summary>
/// <param name="Kind">What was injected (simulator) or <c>labelled</c> (real data).</param>
/// <param name="Start">Index of the first anomalous reading.</param>
/// <param name="End">Index of the last.</param>
public sealed record LabelledWindow(string Kind, int Start, int End);

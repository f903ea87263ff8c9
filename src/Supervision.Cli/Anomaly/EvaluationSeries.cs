namespace Supervision.Cli.Anomaly;

/// <summary>A labelled anomaly: readings <paramref name="Start"/> to <paramref name="End"/> (inclusive indices) are anomalous.</summary>
/// <param name="Kind">What was injected (simulator) or <c>labelled</c> (real data).</param>
/// <param name="Start">Index of the first anomalous reading.</param>
/// <param name="End">Index of the last.</param>
public sealed record LabelledWindow(string Kind, int Start, int End);

/// <summary>One labelled series to evaluate a detector on: readings with their UTC ticks, and the anomalies in it.</summary>
/// <param name="Name">Corpus-unique name, e.g. <c>skab/valve1-1/current</c>.</param>
/// <param name="Ticks">UTC ticks of each reading, in file order.</param>
/// <param name="Values">The readings.</param>
/// <param name="Anomalies">Labelled anomalies, in time order, not overlapping.</param>
public sealed record EvaluationSeries(string Name, long[] Ticks, double[] Values, IReadOnlyList<LabelledWindow> Anomalies);

namespace Supervision.Cli.Anomaly;

/// <summary>One labelled series to evaluate a detector on: readings with their UTC ticks, and the anomalies in it.</summary>
/// <param name="Name">Corpus-unique name, e.g. <c>skab/valve1-1/current</c>.</param>
/// <param name="Ticks">UTC ticks of each reading, in file order.</param>
/// <param name="Values">The readings.</param>
/// <param name="Anomalies">Labelled anomalies, in time order, not overlapping.</param>
public sealed record EvaluationSeries(string Name, long[] Ticks, double[] Values, IReadOnlyList<LabelledWindow> Anomalies);

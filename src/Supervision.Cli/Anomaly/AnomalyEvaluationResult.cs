using Supervision.Scoring.Anomaly;
using Supervision.Scoring.Anomaly.Baseline;

namespace Supervision.Cli.Anomaly;

/// <summary>Everything an evaluation run measured: the detector and the one it replaced, on real and simulated series.</summary>
/// <param name="SimulatedSeries">Simulator series.</param>
/// <param name="Days">Days per simulator series.</param>
/// <param name="Seed">Simulator seed.</param>
/// <param name="Current">The detector (<see cref="OnlineAnomalyDetector"/>).</param>
/// <param name="Previous">The detector before it (<see cref="PreviousAnomalyDetector"/>).</param>
/// <param name="Demo">Anomaly alerts of the engine on the demo feed, with this detector.</param>
/// <param name="Naming">What the detector called each injected simulator kind when it first flagged it.</param>
public sealed record AnomalyEvaluationResult(int SimulatedSeries, int Days, int Seed, DetectorEvaluation Current, DetectorEvaluation Previous, DemoAlertResult Demo, IReadOnlyList<KindNaming> Naming);

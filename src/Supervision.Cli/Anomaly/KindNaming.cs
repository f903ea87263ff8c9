using Supervision.Scoring.Anomaly;

namespace Supervision.Cli.Anomaly;

/// <summary>What the detector named one injected kind when it flagged it (score 0.5 or more), as an open alert shows it two readings on.</summary>
/// <param name="Kind">The injected kind.</param>
/// <param name="Flagged">Injected anomalies of that kind flagged.</param>
/// <param name="SensorFault">Of those, named a sensor fault (spike, stuck, dropout).</param>
/// <param name="Named">How many were given each name.</param>
public sealed record KindNaming(string Kind, int Flagged, int SensorFault, IReadOnlyDictionary<AnomalyKind, int> Named);

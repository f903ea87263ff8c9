using System.Runtime.CompilerServices;

namespace Supervision.Scoring.Anomaly;

/// <summary>6 values of type <c>double</c> inline in <see cref="AnomalyState"/>, one per predictor, so the state stays one plain struct.</summary>
[InlineArray(6)]
internal struct PredictorErrors
{
    private double _element;
}

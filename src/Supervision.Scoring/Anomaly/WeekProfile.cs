using System.Runtime.CompilerServices;

namespace Supervision.Scoring.Anomaly;

/// <summary>168 values of type <c>float</c> inline in <see cref="AnomalyState"/>, one per hour of the week (UTC), so the state stays one plain struct.</summary>
[InlineArray(168)]
internal struct WeekProfile
{
    private float _element;
}

using System.Runtime.CompilerServices;

namespace Supervision.Scoring.Anomaly;

/// <summary>24 values of type <c>float</c> inline in <see cref="AnomalyState"/>, one per hour of the day (UTC), so the state stays one plain struct.</summary>
[InlineArray(24)]
internal struct DayProfile
{
    private float _element;
}

using Microsoft.ML.Data;
using Supervision.Scoring.Features;

namespace Supervision.Scoring.Training;

/// <summary>One labelled example: the enterprise's features when it was inspected, and whether the inspection found a violation.</summary>
public sealed class RiskRow
{
    [VectorType(RiskFeatures.Count)]
    public float[] Features { get; set; } = new float[RiskFeatures.Count];

    public bool Label { get; set; }
}

/// <summary>What the model gives for one row.</summary>
public sealed class RiskPrediction
{
    public bool PredictedLabel { get; set; }

    public float Score { get; set; }

    public float Probability { get; set; }
}

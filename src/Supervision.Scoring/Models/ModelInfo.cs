using System.Text.Json;
using System.Text.Json.Serialization;

namespace Supervision.Scoring.Models;

/// <summary>
/// What the registry knows of a model beyond its ML.NET zip: name, version, feature layout and holdout metrics.
/// Kept as <c>models/&lt;name&gt;.json</c> beside the zip; the card <c>&lt;name&gt;.md</c> is its human form.
/// </summary>
public sealed record ModelInfo
{
    public required string Name { get; init; }
    public required int Version { get; init; }
    public required IReadOnlyList<string> Features { get; init; }
    public required DateTimeOffset TrainedAt { get; init; }
    public required int Seed { get; init; }
    public required int TrainingRows { get; init; }
    public required int HoldoutRows { get; init; }
    public required double HoldoutAuc { get; init; }
    public required double HoldoutPrAuc { get; init; }
    public required double PositiveRate { get; init; }
    public required string Trainer { get; init; }

    /// <summary>The sector the model scores (wire name), or empty for a model over every sector.</summary>
    public string Sector { get; init; } = "";

    /// <summary>How the training data was made, e.g. the simulator's size and seed.</summary>
    public string Data { get; init; } = "";

    /// <summary>The calibrator and its parameters.</summary>
    public string Calibration { get; init; } = "";

    /// <summary>Mean squared error of the holdout probabilities (Brier score; lower is better).</summary>
    public double HoldoutBrier { get; init; }

    /// <summary>Holdout reliability: predicted against observed positive rate in bins of predicted probability.</summary>
    public IReadOnlyList<ReliabilityBin> Reliability { get; init; } = [];

    /// <summary>The version as alerts carry it: <c>name@version</c>.</summary>
    [JsonIgnore]
    public string Tag => $"{Name}@{Version}";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}

/// <summary>One bin of a reliability table: rows whose predicted probability fell in [<see cref="From"/>, <see cref="To"/>).</summary>
/// <param name="From">Lower bound of predicted probability.</param>
/// <param name="To">Upper bound.</param>
/// <param name="Rows">Holdout rows in the bin.</param>
/// <param name="MeanPredicted">Their mean predicted probability.</param>
/// <param name="ObservedRate">Their share of positive labels.</param>
public sealed record ReliabilityBin(double From, double To, int Rows, double MeanPredicted, double ObservedRate);

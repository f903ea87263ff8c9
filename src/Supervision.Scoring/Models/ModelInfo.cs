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

    /// <summary>The version as alerts carry it: <c>name@version</c>.</summary>
    [JsonIgnore]
    public string Tag => $"{Name}@{Version}";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}

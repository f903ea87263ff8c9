using System.Text.Json.Serialization;
using Supervision.Scoring.Models;

namespace Supervision.Server.Api.Bodies;

/// <summary>Models in service (<c>sector@version</c>) and, after a reload, what happened to each sector's file.</summary>
public sealed record ModelsBody(
    IReadOnlyList<string> InService,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ModelReload>? Sectors = null);

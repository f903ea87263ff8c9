using System.Text.Json;
using Supervision.Domain.Reports;

namespace Supervision.Scoring.Models;

/// <summary>What a reload did for one sector.</summary>
/// <param name="Sector">The sector.</param>
/// <param name="Status"><c>loaded</c>, <c>unchanged</c>, <c>failed</c> (the previous model stays) or <c>missing</c>.</param>
/// <param name="InService">The model tag scoring the sector after the reload, or null when none.</param>
/// <param name="Error">Why loading failed or what is missing; null on success.</param>
public sealed record ModelReload(Sector Sector, string Status, string? InService, string? Error);

/// <summary>
/// The model in service for each sector (<c>models/&lt;sector&gt;.zip</c>). The pipeline reads it for every score;
/// <see cref="Reload"/> swaps in new files as they appear and keeps the last good model when a file is missing,
/// corrupt or of another schema. Reads and swaps are thread-safe (one reference per sector, replaced whole).
/// </summary>
public sealed class SectorModels
{
    private readonly IRiskScorer?[] _scorers = new IRiskScorer?[Sectors.All.Count + 1];
    private readonly (DateTime Zip, DateTime Info)[] _stamps = new (DateTime, DateTime)[Sectors.All.Count + 1];
    private readonly Lock _reloading = new();

    /// <summary>A set scoring every sector with <paramref name="scorer"/> (tests, benchmarks, one-model deployments).</summary>
    public static SectorModels Uniform(IRiskScorer scorer)
    {
        var models = new SectorModels();
        foreach (var sector in Sectors.All)
        {
            models.Set(sector, scorer);
        }
        return models;
    }

    /// <summary>The scorer of <paramref name="sector"/>, or null when no model serves it.</summary>
    public IRiskScorer? For(Sector sector) => Volatile.Read(ref _scorers[(int)sector]);

    /// <summary>Puts <paramref name="scorer"/> in service for <paramref name="sector"/>.</summary>
    public void Set(Sector sector, IRiskScorer scorer) => Volatile.Write(ref _scorers[(int)sector], scorer ?? throw new ArgumentNullException(nameof(scorer)));

    /// <summary>Tags of the models in service, e.g. <c>food@3</c>.</summary>
    public IReadOnlyList<string> InService()
    {
        var tags = new List<string>();
        foreach (var sector in Sectors.All)
        {
            if (For(sector) is { } scorer)
            {
                tags.Add(scorer.ModelVersion);
            }
        }
        return tags;
    }

    /// <summary>
    /// Loads <c>&lt;sector&gt;.zip</c> and <c>.json</c> of each sector from <paramref name="directory"/> when they
    /// changed since the last load. A model that fails to load is reported and the one in service stays.
    /// </summary>
    public IReadOnlyList<ModelReload> Reload(string directory)
    {
        lock (_reloading)
        {
            var results = new List<ModelReload>(Sectors.All.Count);
            foreach (var sector in Sectors.All)
            {
                results.Add(ReloadSector(directory, sector));
            }
            return results;
        }
    }

    private ModelReload ReloadSector(string directory, Sector sector)
    {
        var name = sector.Name();
        var zip = new FileInfo(Path.Combine(directory, name + ".zip"));
        var info = new FileInfo(Path.Combine(directory, name + ".json"));
        var current = For(sector);
        if (!zip.Exists && !info.Exists)
        {
            return new ModelReload(sector, "missing", current?.ModelVersion, current is null
                ? $"no model for sector {name}: {zip.FullName} is missing; run 'supervision train'"
                : $"{zip.FullName} is gone; {current.ModelVersion} stays in service");
        }
        var stamp = (zip.Exists ? zip.LastWriteTimeUtc : default, info.Exists ? info.LastWriteTimeUtc : default);
        if (current is not null && _stamps[(int)sector] == stamp)
        {
            return new ModelReload(sector, "unchanged", current.ModelVersion, null);
        }
        try
        {
            var model = ModelRegistry.Load(directory, name);
            if (model.Info.Sector.Length > 0 && model.Info.Sector != name)
            {
                throw new ModelLoadException($"{zip.FullName} was trained for sector '{model.Info.Sector}', not '{name}'");
            }
            Set(sector, model);
            _stamps[(int)sector] = stamp;
            return new ModelReload(sector, "loaded", model.ModelVersion, null);
        }
        catch (Exception e) when (e is ModelLoadException or IOException or UnauthorizedAccessException or JsonException)
        {
            // Remember the bad files so a watcher does not retry them until they change again.
            _stamps[(int)sector] = stamp;
            var kept = current is null ? "no model serves the sector" : $"{current.ModelVersion} stays in service";
            return new ModelReload(sector, "failed", current?.ModelVersion, $"{e.Message}; {kept}");
        }
    }
}

using Supervision.Scoring.Models;
using Supervision.Server.Configuration;

namespace Supervision.Server.Models;

/// <summary>What loading the models at start-up did, for the log.</summary>
/// <param name="Results">One entry per sector.</param>
public sealed record ModelLoadReport(IReadOnlyList<ModelReload> Results);

/// <summary>
/// Logs the models loaded at start, then watches the models directory: a model file dropped in (or replaced)
/// goes into service without a restart; a bad one is logged and the last good model keeps scoring.
/// <c>POST /api/v1/admin/models/reload</c> does the same on demand.
/// </summary>
public sealed class ModelWatchService(SectorModels models, ModelLoadReport startup, SupervisionOptions options, TimeProvider clock, ILogger<ModelWatchService> logger) : BackgroundService
{
    /// <summary>Logs each sector's outcome: errors for failures, information for loads.</summary>
    public static void Log(ILogger logger, IReadOnlyList<ModelReload> results)
    {
        foreach (var result in results)
        {
            switch (result.Status)
            {
                case "loaded":
                    logger.LogInformation("Model {Model} in service for sector {Sector}", result.InService, result.Sector);
                    break;
                case "failed":
                    logger.LogError("Model for sector {Sector} not loaded: {Error}", result.Sector, result.Error);
                    break;
                case "missing":
                    logger.LogWarning("Sector {Sector}: {Error}", result.Sector, result.Error);
                    break;
                default:
                    break;
            }
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log(logger, startup.Results);
        using var watcher = new ModelDirectoryWatcher(options.ResolvedModelsDirectory, models, clock, TimeSpan.FromSeconds(1), results => Log(logger, results));
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

namespace Supervision.Scoring.Models;

/// <summary>
/// Watches a models directory and reloads <see cref="SectorModels"/> once files stop changing for
/// <c>quiet</c> (a model is three files written one after another), so a dropped-in model goes into service
/// without a restart.
/// </summary>
public sealed class ModelDirectoryWatcher : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly ITimer _timer;
    private readonly TimeSpan _quiet;

    /// <summary>Starts watching <paramref name="directory"/>; <paramref name="reloaded"/> gets each reload's results.</summary>
    public ModelDirectoryWatcher(string directory, SectorModels models, TimeProvider clock, TimeSpan quiet, Action<IReadOnlyList<ModelReload>> reloaded)
    {
        _quiet = quiet;
        _timer = clock.CreateTimer(_ => reloaded(models.Reload(directory)), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watcher = new FileSystemWatcher(directory)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            IncludeSubdirectories = false,
        };
        _watcher.Filters.Add("*.zip");
        _watcher.Filters.Add("*.json");
        _watcher.Changed += OnChange;
        _watcher.Created += OnChange;
        _watcher.Renamed += OnChange;
        _watcher.Deleted += OnChange;
        _watcher.EnableRaisingEvents = true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _watcher.Dispose();
        _timer.Dispose();
    }

    private void OnChange(object sender, FileSystemEventArgs e) => _timer.Change(_quiet, Timeout.InfiniteTimeSpan);
}

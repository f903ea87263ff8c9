using Microsoft.Extensions.Primitives;
using Supervision.Server.Configuration;
using Supervision.Server.Pipeline;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Rules.Data;

namespace Supervision.Server.Rules;

/// <summary>What a reload did.</summary>
/// <param name="Status"><c>loaded</c>, <c>unchanged</c> or <c>failed</c> (the rule set in force stays).</param>
/// <param name="Version">The version in force afterwards.</param>
/// <param name="Error">Why loading failed, naming the key, file and line; null on success.</param>
public sealed record RuleReload(string Status, string Version, string? Error);

/// <summary>
/// The rule set in force and its hot reload. Options come from <c>Supervision:Rules</c> with the rules file
/// (<c>Supervision:Rules:File</c>, default <c>rules.json</c> in the data directory: the same keys, layered over
/// the section) on top; data tables come from the files the options name. The configuration, the rules file and
/// every data file are watched (checked every two seconds); <c>POST /api/v1/admin/rules/reload</c> reloads at once.
/// A new version goes to the engine in order with its input; a bad file is logged and the last good set stays.
/// </summary>
public sealed class RuleSetSource : BackgroundService
{
    private readonly IConfiguration _configuration;
    private readonly EngineInbox _inbox;
    private readonly TimeProvider _clock;
    private readonly ILogger<RuleSetSource> _logger;
    private readonly Lock _reloading = new();
    private string _stamp;
    private volatile bool _configurationChanged;

    /// <summary>A source whose rule set at start is <paramref name="initial"/> (see <see cref="LoadAtStart"/>).</summary>
    public RuleSetSource(RuleSet initial, string rulesFile, IConfiguration configuration, EngineInbox inbox, TimeProvider clock, ILogger<RuleSetSource> logger)
    {
        _configuration = configuration;
        _inbox = inbox;
        _clock = clock;
        _logger = logger;
        RulesFile = rulesFile;
        Current = initial;
        LoadedAt = clock.GetUtcNow();
        _stamp = Stamp();
        ChangeToken.OnChange(configuration.GetReloadToken, () => _configurationChanged = true);
    }

    /// <summary>The rule set in force.</summary>
    public RuleSet Current { get; private set; }

    /// <summary>When it went into force.</summary>
    public DateTimeOffset LoadedAt { get; private set; }

    /// <summary>Why the last reload failed, or null.</summary>
    public string? LastError { get; private set; }

    /// <summary>The rules file watched.</summary>
    public string RulesFile { get; }

    /// <summary>Loads options and data again; a new version goes into force, a bad one is refused and the one in force stays.</summary>
    public RuleReload Reload()
    {
        lock (_reloading)
        {
            _stamp = Stamp();
            RuleSet loaded;
            try
            {
                loaded = Load();
            }
            catch (Exception e) when (e is RuleDataException or InvalidOperationException or InvalidDataException or FormatException or IOException)
            {
                LastError = e.Message;
                _logger.LogError("Rules not reloaded, {Version} stays in force: {Error}", Current.Version, e.Message);
                return new RuleReload("failed", Current.Version, e.Message);
            }
            LastError = null;
            if (loaded.Version == Current.Version)
            {
                return new RuleReload("unchanged", Current.Version, null);
            }
            Current = loaded;
            LoadedAt = _clock.GetUtcNow();
            _inbox.Post(new EngineCommand.Reload(loaded));
            _logger.LogInformation("Rules {Version} in force", loaded.Version);
            return new RuleReload("loaded", loaded.Version, null);
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2), _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (_configurationChanged || Stamp() != _stamp)
                {
                    _configurationChanged = false;
                    Reload();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The rules file <paramref name="options"/> name.</summary>
    public static string RulesFileOf(SupervisionOptions options) =>
        string.IsNullOrWhiteSpace(options.Rules.File) ? Path.Combine(options.DataDirectory, "rules.json") : options.Rules.File;

    /// <summary>Loads the rule set at start-up.</summary>
    /// <exception cref="ConfigurationException">An option, the rules file or a data file is bad; the message names the key, file and line.</exception>
    public static RuleSet LoadAtStart(IConfiguration configuration, string rulesFile)
    {
        try
        {
            return Load(configuration, rulesFile);
        }
        catch (Exception e) when (e is RuleDataException or InvalidOperationException or InvalidDataException or FormatException or IOException)
        {
            throw new ConfigurationException("Supervision:" + e.Message, e);
        }
    }

    private RuleSet Load() => Load(_configuration, RulesFile);

    private static RuleSet Load(IConfiguration configuration, string rulesFile)
    {
        var options = configuration.GetSection("Supervision:Rules").Get<RuleOptions>() ?? new RuleOptions();
        if (File.Exists(rulesFile))
        {
            try
            {
                new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(rulesFile), optional: false, reloadOnChange: false).Build().Bind(options);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or InvalidOperationException)
            {
                throw new RuleDataException($"Rules:File: {rulesFile}: {e.Message}");
            }
        }
        return RuleSet.Load(options);
    }

    // The size and time of the rules file and of every data file the rule set in force names.
    private string Stamp() =>
        string.Join('|', RuleSet.DataFiles(Current?.Options ?? new RuleOptions()).Prepend(RulesFile).Select(f =>
        {
            var info = new FileInfo(f);
            return info.Exists ? $"{info.Length}:{info.LastWriteTimeUtc.Ticks}" : "-";
        }));
}

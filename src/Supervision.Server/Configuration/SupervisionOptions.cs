using Supervision.Simulation.Feeds;
using Supervision.Streaming.Rules;

namespace Supervision.Server.Configuration;

/// <summary>The <c>Supervision</c> configuration section.</summary>
public sealed class SupervisionOptions
{
    public const string Section = "Supervision";

    /// <summary>WAL, DuckDB file and spill live here.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Where trained models are; empty means <c>models/</c> beside the server binary.</summary>
    public string ModelsDirectory { get; set; } = "";

    /// <summary>Where regional mapping profiles are; empty means <c>profiles/</c> beside the server binary.</summary>
    public string ProfilesDirectory { get; set; } = "";

    /// <summary>Most records one request may carry.</summary>
    public int MaxRecordsPerBatch { get; set; } = 100_000;

    /// <summary>Largest request body accepted by <c>POST /api/v1/reports</c>, in bytes.</summary>
    public int MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How far in the future <c>observedAt</c> may be.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Accepted batches that may wait for the pipeline before ingest answers 503.</summary>
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>The write-ahead log rolls to a new segment file past this size.</summary>
    public long WalSegmentBytes { get; set; } = 64L * 1024 * 1024;

    public DemoOptions Demo { get; set; } = new();

    public AuthOptions Auth { get; set; } = new();

    public RuleOptions Rules { get; set; } = new();

    /// <summary>The profiles directory with the default applied.</summary>
    public string ResolvedProfilesDirectory =>
        string.IsNullOrWhiteSpace(ProfilesDirectory) ? Path.Combine(AppContext.BaseDirectory, "profiles") : ProfilesDirectory;

    /// <summary>The keys file with the default applied.</summary>
    public string ResolvedKeysFile => string.IsNullOrWhiteSpace(Auth.KeysFile) ? Path.Combine(DataDirectory, "keys.json") : Auth.KeysFile;

    /// <summary>The models directory with the default applied.</summary>
    public string ResolvedModelsDirectory =>
        string.IsNullOrWhiteSpace(ModelsDirectory) ? Path.Combine(AppContext.BaseDirectory, "models") : ModelsDirectory;

    /// <summary>Every problem, each naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return "Supervision:DataDirectory must not be empty";
        }
        if (MaxBodyBytes < 1024)
        {
            yield return $"Supervision:MaxBodyBytes must be at least 1024, got {MaxBodyBytes}";
        }
        if (MaxRecordsPerBatch < 1)
        {
            yield return $"Supervision:MaxRecordsPerBatch must be at least 1, got {MaxRecordsPerBatch}";
        }
        if (MaxFutureSkew < TimeSpan.Zero)
        {
            yield return "Supervision:MaxFutureSkew must not be negative";
        }
        if (QueueCapacity < 1)
        {
            yield return $"Supervision:QueueCapacity must be at least 1, got {QueueCapacity}";
        }
        if (WalSegmentBytes < 4096)
        {
            yield return $"Supervision:WalSegmentBytes must be at least 4096, got {WalSegmentBytes}";
        }
        if (Demo.Enterprises < 1)
        {
            yield return $"Supervision:Demo:Enterprises must be at least 1, got {Demo.Enterprises}";
        }
        if (Demo.Rate <= 0)
        {
            yield return $"Supervision:Demo:Rate must be positive, got {Demo.Rate}";
        }
        if (Rules.Validate() is { } rules)
        {
            yield return "Supervision:" + rules;
        }
    }
}

/// <summary>The <c>Supervision:Demo</c> section: the in-process demo feed.</summary>
public sealed class DemoOptions
{
    public bool Enabled { get; set; }
    public int Enterprises { get; set; } = 500;
    public double Rate { get; set; } = 1000;
    public int Seed { get; set; } = 7;
    public TimeSpan Backfill { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The feed settings.</summary>
    public PacedFeedOptions ToFeedOptions() => new() { Rate = Rate, Backfill = Backfill };
}

/// <summary>The <c>Supervision:Auth</c> section: API keys for reporting.</summary>
public sealed class AuthOptions
{
    /// <summary>When false, reports are accepted without a key (for closed networks and tests).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The keys file; empty means <c>keys.json</c> in the data directory.</summary>
    public string KeysFile { get; set; } = "";
}

/// <summary>The <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>duckdb</c> (default) or <c>clickhouse</c>.</summary>
    public string Backend { get; set; } = "duckdb";

    /// <summary>Every problem, each naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        if (!string.Equals(Backend, "duckdb", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"Storage:Backend '{Backend}' is not available in this build; use 'duckdb'";
        }
    }
}

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

    public TelemetryOptions Telemetry { get; set; } = new();

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
        foreach (var problem in Telemetry.Validate())
        {
            yield return problem;
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

    /// <summary>Batches the history writer queues before the pipeline waits for it.</summary>
    public int WriterCapacity { get; set; } = 1024;

    public ClickHouseSection ClickHouse { get; set; } = new();

    /// <summary>True for the ClickHouse backend.</summary>
    public bool IsClickHouse => string.Equals(Backend, "clickhouse", StringComparison.OrdinalIgnoreCase);

    /// <summary>Every problem, each naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        if (!string.Equals(Backend, "duckdb", StringComparison.OrdinalIgnoreCase) && !IsClickHouse)
        {
            yield return $"Storage:Backend '{Backend}' is unknown; use 'duckdb' or 'clickhouse'";
        }
        if (WriterCapacity < 1)
        {
            yield return $"Storage:WriterCapacity must be at least 1, got {WriterCapacity}";
        }
        if (IsClickHouse)
        {
            foreach (var problem in ClickHouse.Validate())
            {
                yield return problem;
            }
        }
    }
}

/// <summary>The <c>Storage:ClickHouse</c> section.</summary>
public sealed class ClickHouseSection
{
    /// <summary>ClickHouse.Driver connection string, e.g. <c>Host=127.0.0.1;Port=8123;Database=supervision</c>.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>A <c>remote_servers</c> cluster to shard over; empty for one node.</summary>
    public string Cluster { get; set; } = "";

    /// <summary>With a cluster: the connection string of every node (tables are created on each).</summary>
    public List<string> Nodes { get; set; } = [];

    /// <summary>Every problem, each naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return "Storage:ClickHouse:ConnectionString is required when Storage:Backend is 'clickhouse' (e.g. Host=127.0.0.1;Port=8123;Database=supervision)";
        }
        else if (Check(ConnectionString) is { } problem)
        {
            yield return "Storage:ClickHouse:ConnectionString " + problem;
        }
        if (Cluster.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(Cluster, "^[A-Za-z_][A-Za-z0-9_]*$"))
        {
            yield return $"Storage:ClickHouse:Cluster '{Cluster}' must be letters, digits and underscores";
        }
        if (Cluster.Length == 0 && Nodes.Count > 0)
        {
            yield return "Storage:ClickHouse:Nodes needs Storage:ClickHouse:Cluster";
        }
        for (var i = 0; i < Nodes.Count; i++)
        {
            if (Check(Nodes[i]) is { } problem)
            {
                yield return $"Storage:ClickHouse:Nodes:{i} " + problem;
            }
        }
    }

    private static string? Check(string connectionString)
    {
        try
        {
            var builder = new ClickHouse.Driver.ADO.ClickHouseConnectionStringBuilder { ConnectionString = connectionString };
            if (string.IsNullOrWhiteSpace(builder.Host))
            {
                return "has no Host";
            }
            if (!string.IsNullOrEmpty(builder.Database) && !System.Text.RegularExpressions.Regex.IsMatch(builder.Database, "^[A-Za-z_][A-Za-z0-9_]*$"))
            {
                return $"Database '{builder.Database}' must be letters, digits and underscores";
            }
            return null;
        }
        catch (ArgumentException e)
        {
            return "cannot be read: " + e.Message;
        }
        catch (FormatException e)
        {
            return "cannot be read: " + e.Message;
        }
    }
}

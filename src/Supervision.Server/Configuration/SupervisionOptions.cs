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

    /// <summary>The users file with the default applied.</summary>
    public string ResolvedUsersFile => string.IsNullOrWhiteSpace(Auth.UsersFile) ? Path.Combine(DataDirectory, "users.json") : Auth.UsersFile;

    /// <summary>The personal access tokens file with the default applied.</summary>
    public string ResolvedPersonalTokensFile =>
        string.IsNullOrWhiteSpace(Auth.PersonalTokensFile) ? Path.Combine(DataDirectory, "personal-tokens.json") : Auth.PersonalTokensFile;

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
        foreach (var problem in Auth.Validate())
        {
            yield return problem;
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

/// <summary>The <c>Supervision:Auth</c> section: API keys for reporting, and how people sign in.</summary>
public sealed class AuthOptions
{
    /// <summary>When false, reports are accepted without a key (for closed networks and tests). People always sign in.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The keys file; empty means <c>keys.json</c> in the data directory.</summary>
    public string KeysFile { get; set; } = "";

    /// <summary>The built-in user store; empty means <c>users.json</c> in the data directory.</summary>
    public string UsersFile { get; set; } = "";

    /// <summary>Personal access tokens (hashes only); empty means <c>personal-tokens.json</c> in the data directory.</summary>
    public string PersonalTokensFile { get; set; } = "";

    /// <summary>How long an access token from <c>POST /api/v1/auth/token</c> lives.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a sign-in lasts: its refresh tokens work until then (each is used once), then sign in again.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Failed sign-ins of one user name, within <see cref="LockoutDuration"/>, that lock it.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a locked user name stays locked (and how long failures are remembered).</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest life a personal access token may be given.</summary>
    public TimeSpan MaxPersonalTokenLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>An external OpenID Connect provider whose tokens are accepted besides the built-in store's.</summary>
    public ExternalProviderOptions External { get; set; } = new();

    /// <summary>Every problem, each naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        if (AccessTokenLifetime < TimeSpan.FromSeconds(30) || AccessTokenLifetime > TimeSpan.FromHours(1))
        {
            yield return $"Supervision:Auth:AccessTokenLifetime must be from 00:00:30 to 01:00:00 (short-lived), got {AccessTokenLifetime}";
        }
        if (SessionLifetime < AccessTokenLifetime || SessionLifetime > TimeSpan.FromDays(30))
        {
            yield return $"Supervision:Auth:SessionLifetime must be at least the access token lifetime and at most 30 days, got {SessionLifetime}";
        }
        if (MaxFailedSignIns < 1)
        {
            yield return $"Supervision:Auth:MaxFailedSignIns must be at least 1, got {MaxFailedSignIns}";
        }
        if (LockoutDuration < TimeSpan.FromSeconds(1))
        {
            yield return $"Supervision:Auth:LockoutDuration must be at least 00:00:01, got {LockoutDuration}";
        }
        if (MaxPersonalTokenLifetime < TimeSpan.FromDays(1))
        {
            yield return $"Supervision:Auth:MaxPersonalTokenLifetime must be at least 1.00:00:00, got {MaxPersonalTokenLifetime}";
        }
        foreach (var problem in External.Validate())
        {
            yield return problem;
        }
    }
}

/// <summary>
/// The <c>Supervision:Auth:External</c> section: an OpenID Connect provider (its discovery document and signing keys
/// are read from <see cref="Authority"/>) and the names of the claims that carry our role, jurisdiction, sectors,
/// enterprise and purpose in its tokens.
/// </summary>
public sealed class ExternalProviderOptions
{
    /// <summary>The provider's issuer URL; empty turns the external provider off.</summary>
    public string Authority { get; set; } = "";

    /// <summary>The audience our API is registered under at the provider.</summary>
    public string Audience { get; set; } = "";

    /// <summary>Refuse an authority without HTTPS (turn off only for a provider on the loopback, as in tests).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public string NameClaim { get; set; } = "sub";
    public string RoleClaim { get; set; } = "role";
    public string JurisdictionClaim { get; set; } = "jurisdiction";
    public string SectorClaim { get; set; } = "sector";
    public string EnterpriseClaim { get; set; } = "enterprise";
    public string PurposeClaim { get; set; } = "purpose";

    /// <summary>True when an authority is configured.</summary>
    public bool Enabled => Authority.Length > 0;

    /// <summary>Every problem, each naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Enabled)
        {
            yield break;
        }
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            yield return $"Supervision:Auth:External:Authority must be an absolute http(s) URL, got '{Authority}'";
        }
        else if (uri.Scheme == "http" && RequireHttpsMetadata)
        {
            yield return "Supervision:Auth:External:Authority must use https (or set Supervision:Auth:External:RequireHttpsMetadata to false for a provider on the loopback)";
        }
        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return "Supervision:Auth:External:Audience is required with an Authority";
        }
        foreach (var (key, value) in new[] { ("NameClaim", NameClaim), ("RoleClaim", RoleClaim), ("JurisdictionClaim", JurisdictionClaim), ("SectorClaim", SectorClaim), ("EnterpriseClaim", EnterpriseClaim), ("PurposeClaim", PurposeClaim) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"Supervision:Auth:External:{key} must not be empty";
            }
        }
    }
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

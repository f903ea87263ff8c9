using Supervision.Storage.ClickHouse;
using Supervision.Storage.DuckDb;
using Supervision.Storage.History;

namespace Supervision.Storage.Tests.Infrastructure;

/// <summary>
/// Real stores for tests: a DuckDB file in a fresh directory, or a fresh database on the ClickHouse servers that
/// tests/run.sh starts (SUPERVISION_CLICKHOUSE_URL, and SUPERVISION_CLICKHOUSE_SHARD1_URL/SHARD2_URL with
/// SUPERVISION_CLICKHOUSE_CLUSTER for the two-shard cluster). Point the variables at other servers to use those.
/// </summary>
public sealed class Stores : IAsyncDisposable
{
    public const string DuckDb = "duckdb";
    public const string ClickHouse = "clickhouse";
    public const string Cluster = "clickhouse-cluster";

    private readonly List<IHistoryStore> _stores = [];
    private readonly List<string> _directories = [];
    private readonly List<(string Url, string Database)> _databases = [];

    public async Task<IHistoryStore> CreateAsync(string backend)
    {
        IHistoryStore store = backend switch
        {
            DuckDb => new DuckDbHistoryStore(Path.Combine(NewDirectory(), "history.duckdb")),
            ClickHouse => new ClickHouseHistoryStore(new ClickHouseStoreOptions { ConnectionString = ConnectionString(SingleUrl, NewDatabase(SingleUrl)) }),
            Cluster => NewClusterStore(),
            _ => throw new ArgumentException("unknown backend " + backend, nameof(backend)),
        };
        await store.InitializeAsync(CancellationToken.None);
        _stores.Add(store);
        return store;
    }

    public string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "supervision-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        _directories.Add(directory);
        return directory;
    }

    private ClickHouseHistoryStore NewClusterStore()
    {
        var (shard1, shard2, cluster) = ClusterUrls;
        var database = NewDatabase(shard1);
        _databases.Add((shard2, database));
        return new ClickHouseHistoryStore(new ClickHouseStoreOptions
        {
            ConnectionString = ConnectionString(shard1, database),
            Cluster = cluster,
            Nodes = [ConnectionString(shard1, database), ConnectionString(shard2, database)],
        });
    }

    private string NewDatabase(string url)
    {
        var database = "t_" + Guid.NewGuid().ToString("N")[..16];
        _databases.Add((url, database));
        return database;
    }

    public static string SingleUrl => Environment.GetEnvironmentVariable("SUPERVISION_CLICKHOUSE_URL") is { Length: > 0 } url
        ? url
        : throw new AssertionException(
            "SUPERVISION_CLICKHOUSE_URL is not set: run the tests with tests/run.sh (it installs clickhouse-server from Debian and starts it), " +
            "or start a ClickHouse server and set SUPERVISION_CLICKHOUSE_URL=http://127.0.0.1:8123");

    public static (string Shard1, string Shard2, string Cluster) ClusterUrls =>
        Environment.GetEnvironmentVariable("SUPERVISION_CLICKHOUSE_SHARD1_URL") is { Length: > 0 } s1
        && Environment.GetEnvironmentVariable("SUPERVISION_CLICKHOUSE_SHARD2_URL") is { Length: > 0 } s2
        && Environment.GetEnvironmentVariable("SUPERVISION_CLICKHOUSE_CLUSTER") is { Length: > 0 } cluster
            ? (s1, s2, cluster)
            : throw new AssertionException(
                "SUPERVISION_CLICKHOUSE_SHARD1_URL, SUPERVISION_CLICKHOUSE_SHARD2_URL and SUPERVISION_CLICKHOUSE_CLUSTER are not set: " +
                "run the tests with tests/run.sh (it starts two ClickHouse servers as the two shards of cluster 'supervision'), " +
                "or point them at two servers of a remote_servers cluster");

    /// <summary>http://host:port → a ClickHouse.Driver connection string.</summary>
    public static string ConnectionString(string url, string database)
    {
        var uri = new Uri(url);
        return $"Host={uri.Host};Port={uri.Port};Protocol={uri.Scheme};Database={database}";
    }

    /// <summary>Runs one statement over HTTP and returns the body (for checks behind the store's back).</summary>
    public static async Task<string> QueryAsync(string url, string sql)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(url, new StringContent(sql));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"ClickHouse at {url} answered {(int)response.StatusCode}: {body}");
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
        foreach (var (url, database) in _databases)
        {
            try
            {
                await QueryAsync(url, $"DROP DATABASE IF EXISTS {database}");
            }
            catch (HttpRequestException)
            {
                // A server a test stopped on purpose; its directory goes with the run.
            }
        }
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

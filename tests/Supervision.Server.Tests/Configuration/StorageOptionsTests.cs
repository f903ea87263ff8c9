using Supervision.Server.Configuration;

namespace Supervision.Server.Tests.Configuration;

public class StorageOptionsTests
{
    [Test]
    public void Validate_UnknownBackend_NamesTheKey() =>
        Assert.That(new StorageOptions { Backend = "postgres" }.Validate(), Is.EqualTo(new[] { "Storage:Backend 'postgres' is unknown; use 'duckdb' or 'clickhouse'" }));

    [Test]
    public void Validate_ClickHouseWithoutConnectionString_NamesTheKey() =>
        Assert.That(new StorageOptions { Backend = "clickhouse" }.Validate().Single(), Does.StartWith("Storage:ClickHouse:ConnectionString is required"));

    [Test]
    public void Validate_ClickHouseDatabaseWithQuote_NamesTheKey() =>
        Assert.That(new StorageOptions { Backend = "clickhouse", ClickHouse = new() { ConnectionString = "Host=127.0.0.1;Database=x'y" } }.Validate().Single(),
            Does.StartWith("Storage:ClickHouse:ConnectionString Database"));

    [Test]
    public void Validate_ClickHouseCluster_Valid() =>
        Assert.That(new StorageOptions
        {
            Backend = "clickhouse",
            ClickHouse = new() { ConnectionString = "Host=127.0.0.1;Port=8123;Database=supervision", Cluster = "supervision", Nodes = ["Host=127.0.0.1;Port=8124;Database=supervision"] },
        }.Validate(), Is.Empty);

    [Test]
    public void Validate_DuckDbDefault_Valid() => Assert.That(new StorageOptions().Validate(), Is.Empty);
}

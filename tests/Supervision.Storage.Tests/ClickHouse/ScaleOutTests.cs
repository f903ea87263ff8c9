using Supervision.Storage.Tests.Infrastructure;
using static Supervision.Storage.Tests.Infrastructure.HistoryData;

namespace Supervision.Storage.Tests.ClickHouse;

/// <summary>
/// Two real ClickHouse servers as the two shards of cluster 'supervision': the Distributed tables spread writes
/// over both by enterprise hash. (That every analyst query answers as the single-node store does is
/// <see cref="Conformance.SameAnswersTests"/> with the cluster fixture.)
/// </summary>
[Category("Integration")]
public class ScaleOutTests
{
    [Test]
    public async Task AppendReports_TwoShards_EachShardHoldsPartAndTogetherAll()
    {
        var (shard1, shard2, _) = Stores.ClusterUrls;
        await using var stores = new Stores();
        var store = await stores.CreateAsync(Stores.Cluster);
        await WriteRandomAsync(store, 11, 30, 20);
        var database = ((Supervision.Storage.ClickHouse.ClickHouseHistoryStore)store).Options.ConnectionString.Split(';').Single(p => p.StartsWith("Database=", StringComparison.Ordinal))["Database=".Length..];

        var one = long.Parse(await Stores.QueryAsync(shard1, $"SELECT count() FROM {database}.reports_local"), System.Globalization.CultureInfo.InvariantCulture);
        var two = long.Parse(await Stores.QueryAsync(shard2, $"SELECT count() FROM {database}.reports_local"), System.Globalization.CultureInfo.InvariantCulture);
        var onOne = (await Stores.QueryAsync(shard1, $"SELECT DISTINCT enterprise_id FROM {database}.reports_local")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var onTwo = (await Stores.QueryAsync(shard2, $"SELECT DISTINCT enterprise_id FROM {database}.reports_local")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(one + two, Is.EqualTo(30 * 20));
        Assert.That(one, Is.GreaterThan(0), "shard 1 holds some reports");
        Assert.That(two, Is.GreaterThan(0), "shard 2 holds some reports");
        Assert.That(onOne.Intersect(onTwo), Is.Empty, "an enterprise lives on one shard only (sharded by its hash)");
        Assert.That(onOne.Length + onTwo.Length, Is.EqualTo(30));
    }
}

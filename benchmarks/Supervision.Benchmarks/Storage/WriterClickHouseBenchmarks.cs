using BenchmarkDotNet.Attributes;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using ClickHouse.Driver.Compression;
using Supervision.Domain.Reports;
using Supervision.Storage.ClickHouse;
using Supervision.Storage.Writing;

namespace Supervision.Benchmarks.Storage;

/// <summary>
/// Hypothesis: the history writer puts at least 300,000 reports a second into a local ClickHouse (18.16), close
/// to what the driver alone achieves. Isolates the write path from queued batches to rows on the server: the
/// bounded queue, normalisation, RowBinary with gzip over HTTP into the ReplacingMergeTree table. Each operation
/// writes <see cref="Rows"/> new reports in batches of 50,000 into a fresh database.
/// Baseline: ClickHouse.Driver's <c>InsertBinaryAsync</c> alone writing the same columns, already as rows, into
/// a plain MergeTree table. Needs SUPERVISION_CLICKHOUSE_URL (a server tests/clickhouse/servers.sh can start).
/// </summary>
[MemoryDiagnoser]
public class WriterClickHouseBenchmarks
{
    private const int BatchSize = 50_000;
    private ReportBatch[] _batches = [];
    private object[][] _plainRows = [];
    private string _url = "";
    private ClickHouseClient _client = null!;
    private int _run;

    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _url = Environment.GetEnvironmentVariable("SUPERVISION_CLICKHOUSE_URL") is { Length: > 0 } url
            ? url
            : throw new InvalidOperationException("set SUPERVISION_CLICKHOUSE_URL to a ClickHouse server, e.g. one started by: source tests/clickhouse/servers.sh; ch_start_all /tmp/ch");
        var enterprises = BenchmarkData.Enterprises(5_000);
        _batches = [.. Enumerable.Range(0, Rows / BatchSize).Select(b =>
            new ReportBatch(BenchmarkData.Reports(enterprises, (long)b * BatchSize, BatchSize, "r"), BenchmarkData.Start.AddDays(15)))];
        _plainRows = [.. _batches.SelectMany(b => b.Reports).Select(r => new object[]
        {
            r.ReportId, r.EnterpriseId.Value, r.Region.ToString(), "food", "food.coldchain", r.ObservedAt.ToUnixTimeMilliseconds(), r.ObservedAt.ToUnixTimeMilliseconds(),
            ((ColdChainReading)r.Payload).DeviceId, "frozen", "temperatureC", ((ColdChainReading)r.Payload).TemperatureC, "{}",
        })];
        _client = new ClickHouseClient(new ClickHouseClientSettings(new ClickHouseConnectionStringBuilder { ConnectionString = ConnectionString("default"), JsonReadMode = JsonReadMode.None, JsonWriteMode = JsonWriteMode.None }));
    }

    [GlobalCleanup]
    public void Cleanup() => _client.Dispose();

    [Benchmark(Baseline = true)]
    public async Task<long> DriverOnly()
    {
        var database = NewDatabase();
        await _client.ExecuteNonQueryAsync($"CREATE DATABASE {database}");
        await _client.ExecuteNonQueryAsync($"""
            CREATE TABLE {database}.reports (report_id String, enterprise_id String, region String, sector String, kind String, observed_ms Int64,
            received_ms Int64, subject String, attribute String, metric String, value Float64, payload String)
            ENGINE = MergeTree() PARTITION BY toYYYYMM(toDateTime(intDiv(observed_ms, 1000))) ORDER BY (sector, region, enterprise_id, observed_ms, report_id)
            """);
        string[] columns = ["report_id", "enterprise_id", "region", "sector", "kind", "observed_ms", "received_ms", "subject", "attribute", "metric", "value", "payload"];
        string[] types = ["String", "String", "String", "String", "String", "Int64", "Int64", "String", "String", "String", "Float64", "String"];
        var options = new InsertOptions { Compressor = GZipCompressor.Default, BatchSize = 100_000, ColumnTypes = columns.Zip(types).ToDictionary(p => p.First, p => p.Second) };
        for (var i = 0; i < _plainRows.Length; i += BatchSize)
        {
            await _client.InsertBinaryAsync($"{database}.reports", columns, _plainRows.AsSpan(i, BatchSize).ToArray(), options);
        }
        await _client.ExecuteNonQueryAsync($"DROP DATABASE {database}");
        return _plainRows.Length;
    }

    [Benchmark]
    public async Task<long> HistoryWriter()
    {
        var database = NewDatabase();
        await using (var store = new ClickHouseHistoryStore(new ClickHouseStoreOptions { ConnectionString = ConnectionString(database) }))
        {
            await store.InitializeAsync(CancellationToken.None);
            await using var writer = new HistoryWriter(store, TimeProvider.System, new HistoryWriterOptions { Capacity = 64 }, e => throw e);
            foreach (var batch in _batches)
            {
                await writer.EnqueueReportsAsync(batch, CancellationToken.None);
            }
            await writer.FlushAsync(CancellationToken.None);
        }
        await _client.ExecuteNonQueryAsync($"DROP DATABASE {database}");
        return Rows;
    }

    private string NewDatabase() => $"bench_{Environment.ProcessId}_{++_run}";

    private string ConnectionString(string database)
    {
        var uri = new Uri(_url);
        return $"Host={uri.Host};Port={uri.Port};Protocol={uri.Scheme};Database={database}";
    }
}

using System.IO.Hashing;
using System.Text;
using BenchmarkDotNet.Attributes;
using DuckDB.NET.Data;
using Supervision.Domain.Reports;
using Supervision.Storage.DuckDb;
using Supervision.Storage.Writing;

namespace Supervision.Benchmarks.Storage;

/// <summary>
/// Hypothesis: the history writer puts at least 1,000,000 reports a second into DuckDB, idempotently, no slower than
/// DuckDB.NET's own Appender writing the same columns. Isolates the write path from queued batches to rows in the
/// file: the bounded queue, normalisation, name codes, the recent-key check that keeps appends idempotent, and the
/// data-chunk append (on two connections for large writes). Each operation writes <see cref="Rows"/> new reports
/// in batches of 10,000 into a fresh file (creating it and closing it are part of every method, baseline
/// included). Baseline: DuckDB.NET's Appender alone, row by row, writing the same twelve columns already
/// normalised (codes and key hashes computed in setup) into a plain table. For scale, <c>AppenderOldLayout</c>
/// writes the layout of schema 1 (twelve columns, nine of them strings) the same way.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(RowsPerSecondColumn.Config))]
public class WriterDuckDbBenchmarks
{
    private const int BatchSize = 10_000;
    private ReportBatch[] _batches = [];
    private PlainRow[] _plainRows = [];
    private string _directory = "";

    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var enterprises = BenchmarkData.Enterprises(5_000);
        _batches = [.. Enumerable.Range(0, Rows / BatchSize).Select(b =>
            new ReportBatch(BenchmarkData.Reports(enterprises, (long)b * BatchSize, BatchSize, "r"), BenchmarkData.Start.AddDays(15)))];
        var codes = enterprises.Select((e, i) => (e.Value, i)).ToDictionary(x => x.Value, x => x.i + 2, StringComparer.Ordinal);
        _plainRows = [.. _batches.SelectMany(b => b.Reports).Select(r => new PlainRow(
            (long)XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(r.EnterpriseId.Value + r.ReportId)), codes[r.EnterpriseId.Value], r.ReportId,
            r.EnterpriseId.Value, r.Region.Value, r.Region.ToString(), r.ObservedAt.UtcDateTime, BenchmarkData.Start.AddDays(15).UtcDateTime,
            ((ColdChainReading)r.Payload).DeviceId, ((ColdChainReading)r.Payload).TemperatureC))];
        _directory = BenchmarkData.NewDirectory("writer-duckdb");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true)]
    public long AppenderOnly()
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".duckdb");
        using (var connection = Open(path, """
            CREATE TABLE reports (key_hash BIGINT, enterprise INTEGER, report_id VARCHAR, region INTEGER, kind INTEGER,
            observed_at TIMESTAMP, received_at TIMESTAMP, subject VARCHAR, attribute INTEGER, metric VARCHAR, value DOUBLE, payload VARCHAR)
            """))
        {
            using var appender = connection.CreateAppender("reports");
            foreach (var r in _plainRows)
            {
                appender.CreateRow()
                    .AppendValue(r.Key).AppendValue(r.Enterprise).AppendValue(r.ReportId).AppendValue(r.Region).AppendValue(0)
                    .AppendValue(r.ObservedAt).AppendValue(r.ReceivedAt).AppendValue(r.Device).AppendValue(1).AppendValue("temperatureC")
                    .AppendValue(r.Temperature).AppendNullValue().EndRow();
            }
        }
        File.Delete(path);
        return _plainRows.Length;
    }

    [Benchmark]
    public long AppenderOldLayout()
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".duckdb");
        using (var connection = Open(path, """
            CREATE TABLE reports (report_id VARCHAR, enterprise_id VARCHAR, region VARCHAR, sector VARCHAR, kind VARCHAR,
            observed_at TIMESTAMP, received_at TIMESTAMP, subject VARCHAR, attribute VARCHAR, metric VARCHAR, value DOUBLE, payload VARCHAR)
            """))
        {
            using var appender = connection.CreateAppender("reports");
            foreach (var r in _plainRows)
            {
                appender.CreateRow()
                    .AppendValue(r.ReportId).AppendValue(r.EnterpriseId).AppendValue(r.RegionText).AppendValue("food").AppendValue("food.coldchain")
                    .AppendValue(r.ObservedAt).AppendValue(r.ReceivedAt).AppendValue(r.Device).AppendValue("frozen").AppendValue("temperatureC")
                    .AppendValue(r.Temperature).AppendValue("").EndRow();
            }
        }
        File.Delete(path);
        return _plainRows.Length;
    }

    [Benchmark]
    public async Task<long> HistoryWriter()
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".duckdb");
        await using (var store = new DuckDbHistoryStore(path))
        {
            await store.InitializeAsync(CancellationToken.None);
            await using var writer = new HistoryWriter(store, TimeProvider.System, new HistoryWriterOptions { Capacity = 64 }, e => throw e);
            foreach (var batch in _batches)
            {
                await writer.EnqueueReportsAsync(batch, CancellationToken.None);
            }
            await writer.FlushAsync(CancellationToken.None);
        }
        File.Delete(path);
        return Rows;
    }

    private static DuckDBConnection Open(string path, string table)
    {
        var connection = new DuckDBConnection($"Data Source={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = table;
        command.ExecuteNonQuery();
        return connection;
    }

    private sealed record PlainRow(
        long Key, int Enterprise, string ReportId, string EnterpriseId, int Region, string RegionText, DateTime ObservedAt, DateTime ReceivedAt,
        string Device, double Temperature);
}

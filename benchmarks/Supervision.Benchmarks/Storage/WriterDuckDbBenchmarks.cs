using BenchmarkDotNet.Attributes;
using DuckDB.NET.Data;
using Supervision.Domain.Reports;
using Supervision.Storage.DuckDb;
using Supervision.Storage.Writing;

namespace Supervision.Benchmarks.Storage;

/// <summary>
/// Hypothesis: the history writer puts at least 1,000,000 reports a second into DuckDB, within a small factor of
/// DuckDB's own Appender. Isolates the write path from queued batches to rows in the file: the bounded queue,
/// normalisation (payload to columns and JSON), the Appender into staging and the idempotent
/// <c>INSERT OR IGNORE</c> into the keyed table. Each operation writes <see cref="Rows"/> new reports in batches
/// of 10,000 into a fresh file (creating it is part of every method, baseline included).
/// Baseline: the DuckDB Appender alone writing the same columns (already normalised, no key) into a plain table.
/// </summary>
[MemoryDiagnoser]
public class WriterDuckDbBenchmarks
{
    private const int BatchSize = 10_000;
    private ReportBatch[] _batches = [];
    private object[][] _plainRows = [];
    private string _directory = "";

    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var enterprises = BenchmarkData.Enterprises(5_000);
        _batches = [.. Enumerable.Range(0, Rows / BatchSize).Select(b =>
            new ReportBatch(BenchmarkData.Reports(enterprises, (long)b * BatchSize, BatchSize, "r"), BenchmarkData.Start.AddDays(15)))];
        _plainRows = [.. _batches.SelectMany(b => b.Reports).Select(r => new object[]
        {
            r.ReportId, r.EnterpriseId.Value, r.Region.ToString(), "food", "food.coldchain", r.ObservedAt.UtcDateTime, r.ObservedAt.UtcDateTime,
            ((ColdChainReading)r.Payload).DeviceId, "frozen", "temperatureC", ((ColdChainReading)r.Payload).TemperatureC, "{}",
        })];
        _directory = BenchmarkData.NewDirectory("writer-duckdb");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true)]
    public long AppenderOnly()
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".duckdb");
        using (var connection = new DuckDBConnection($"Data Source={path}"))
        {
            connection.Open();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = """
                    CREATE TABLE reports (report_id VARCHAR, enterprise_id VARCHAR, region VARCHAR, sector VARCHAR, kind VARCHAR,
                    observed_at TIMESTAMP, received_at TIMESTAMP, subject VARCHAR, attribute VARCHAR, metric VARCHAR, value DOUBLE, payload VARCHAR)
                    """;
                command.ExecuteNonQuery();
            }
            using var appender = connection.CreateAppender("reports");
            foreach (var r in _plainRows)
            {
                appender.CreateRow()
                    .AppendValue((string)r[0]).AppendValue((string)r[1]).AppendValue((string)r[2]).AppendValue((string)r[3]).AppendValue((string)r[4])
                    .AppendValue((DateTime)r[5]).AppendValue((DateTime)r[6]).AppendValue((string)r[7]).AppendValue((string)r[8]).AppendValue((string)r[9])
                    .AppendValue((double)r[10]).AppendValue((string)r[11]).EndRow();
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
}

using BenchmarkDotNet.Attributes;
using Supervision.Domain.Reports;
using Supervision.Ingest.Wal;

namespace Supervision.Benchmarks.Ingest;

/// <summary>
/// Hypothesis: the write-ahead log appends at least 200,000 reports/s with group commit and a disk flush per group.
/// Isolates framing (length, CRC-32), canonical envelope serialisation, the write and the flush: 16 concurrent
/// appenders of 1,000-report batches, as concurrent requests would be. Baseline: writing the same number of bytes
/// to a file and flushing to disk once per batch, with no serialisation or framing.
/// </summary>
[MemoryDiagnoser]
public class WalAppendBenchmarks
{
    private const int Appenders = 16;
    private const int BatchSize = 1_000;
    private List<Report>[] _batches = [];
    private string _directory = "";
    private byte[] _bytesPerBatch = [];

    [GlobalSetup]
    public void Setup()
    {
        var reports = IngestInputs.Reports(Appenders * BatchSize);
        _batches = [.. Enumerable.Range(0, Appenders).Select(i => reports.GetRange(i * BatchSize, BatchSize))];
        _bytesPerBatch = new byte[IngestInputs.Ndjson(_batches[0]).Length + (BatchSize * 8)];
        _directory = Path.Combine(Path.GetTempPath(), "supervision-wal-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true, OperationsPerInvoke = Appenders * BatchSize)]
    public void WriteAndFlushPerBatch()
    {
        using var file = new FileStream(Path.Combine(_directory, Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.Write);
        for (var i = 0; i < Appenders; i++)
        {
            file.Write(_bytesPerBatch);
            file.Flush(flushToDisk: true);
        }
    }

    [Benchmark(OperationsPerInvoke = Appenders * BatchSize)]
    public async Task GroupCommit()
    {
        var log = new WriteAheadLog(Path.Combine(_directory, Guid.NewGuid().ToString("N")), 64L << 20, 1024, _ => { });
        log.Open();
        await Task.WhenAll(_batches.Select(b => log.AppendAsync(b, CancellationToken.None).AsTask()));
        await log.DisposeAsync();
    }
}

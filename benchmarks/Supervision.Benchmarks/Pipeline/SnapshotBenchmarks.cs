using BenchmarkDotNet.Attributes;
using Supervision.Domain.Alerts;
using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;
using Supervision.Scoring.Models;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;

namespace Supervision.Benchmarks.Pipeline;

/// <summary>
/// Hypothesis: snapshotting the engine state of 1 M enterprises (each with a cold-chain logger that reported every
/// minute for the last 2 hours, so windows, subjects, detectors and silence state are all populated) takes under
/// 2 s and under 500 MB, and restoring it about as long. Isolates the snapshot to a file on the data disk.
/// Baseline: writing a buffer of the same size to a file and flushing it to disk, the floor for any snapshot.
/// </summary>
[MemoryDiagnoser]
public class SnapshotBenchmarks
{
    private SupervisionEngine _engine = null!;
    private string _directory = null!;
    private byte[] _bytes = [];

    [Params(1_000_000)]
    public int Enterprises { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "supervision-snapshot-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _engine = new SupervisionEngine(RuleSet.Default, SectorModels.Uniform(new ConstantScorer()));
        var region = RegionCode.Parse("350102");
        var ids = new EnterpriseId[Enterprises];
        for (var e = 0; e < Enterprises; e++)
        {
            ids[e] = EnterpriseId.Parse(Uscc(e));
        }
        var start = new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);
        var changes = new List<Alert>();
        var batch = new Report[Enterprises];
        for (var minute = 0; minute < 120; minute += 10)
        {
            var at = start.AddMinutes(minute);
            for (var e = 0; e < Enterprises; e++)
            {
                batch[e] = new Report($"r{minute}", ids[e], region, ReportKind.FoodColdChain, at, new ColdChainReading("F-1", FoodStorageClass.Frozen, -20 + (e % 3 * 0.1) + (minute % 7 * 0.1)));
            }
            _engine.Process(new ReportBatch(batch, at), changes, null);
            changes.Clear();
        }
        using var stream = new MemoryStream();
        _engine.WriteSnapshot(stream, 0);
        _bytes = stream.ToArray();
        Console.WriteLine($"// snapshot of {Enterprises:N0} enterprises: {_bytes.Length:N0} bytes");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true)]
    public long WriteSameBytes()
    {
        using var file = new FileStream(Path.Combine(_directory, "raw.bin"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        file.Write(_bytes);
        file.Flush(flushToDisk: true);
        return file.Length;
    }

    [Benchmark]
    public long WriteSnapshot()
    {
        using var file = new FileStream(Path.Combine(_directory, "engine.snapshot"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        _engine.WriteSnapshot(file, 1);
        file.Flush(flushToDisk: true);
        return file.Length;
    }

    [Benchmark]
    public long ReadSnapshot()
    {
        var engine = new SupervisionEngine(RuleSet.Default, SectorModels.Uniform(new ConstantScorer()));
        using var stream = new MemoryStream(_bytes, writable: false);
        return engine.ReadSnapshot(stream);
    }

    // A valid USCC for number n: 17 characters and the check character.
    private static string Uscc(int n)
    {
        var first17 = string.Concat("91350100", n.ToString("D9", System.Globalization.CultureInfo.InvariantCulture));
        return first17 + EnterpriseId.CheckCharacter(first17);
    }

    private sealed class ConstantScorer : IRiskScorer
    {
        public string ModelVersion => "constant@1";

        public double Score(ReadOnlySpan<float> features) => 0.1;
    }
}

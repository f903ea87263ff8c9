using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Ingest.Decoding;
using Supervision.Ingest.Validation;
using Supervision.Scoring.Models;
using Supervision.Simulation.Feeds;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;

namespace Supervision.Benchmarks.Pipeline;

/// <summary>
/// Hypothesis: the whole hot path (NDJSON bytes → envelopes → validation → state and every rule → score on alert
/// and grade decisions → alerts) costs a small multiple of merely tokenizing the same bytes, and stays at or
/// above 1 M reports/s on one core with every rule registered. Isolates the in-process path of one body of
/// simulator reports of all four sectors (violations injected; no HTTP, no storage). Baseline:
/// <see cref="Utf8JsonReader"/> reading every token of the same bytes, the floor for any JSON decoder.
/// <see cref="EngineOnly"/> and <see cref="EngineWithGrades"/> isolate the engine (all rules, with and without
/// credit grading, as the server runs it). The engine is new for each operation, so every operation judges the
/// same event times from scratch.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private byte[] _ndjson = [];
    private ReportDecoder _decoder = null!;
    private IRiskScorer _scorer = null!;
    private ReportBatch _decoded = null!;
    private readonly List<Alert> _changes = [];
    private readonly List<GradeChange> _grades = [];

    [Params(10_000)]
    public int Reports { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var generator = ReportGenerator.Create(100, 11);
        var reports = new List<Report>(Reports);
        var at = new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);
        while (reports.Count < Reports)
        {
            generator.Tick(at, TimeSpan.FromMinutes(1), reports);
            at = at.AddMinutes(1);
        }
        reports.RemoveRange(Reports, reports.Count - Reports);
        var buffer = new ArrayBufferWriter<byte>();
        EnvelopeJson.WriteNdjson(reports, buffer);
        _ndjson = buffer.WrittenSpan.ToArray();
        _decoder = new ReportDecoder(new ReportValidator(TimeProvider.System, TimeSpan.FromDays(3650)));
        _scorer = ModelRegistry.Load(Path.Combine(AppContext.BaseDirectory, "models"), "food");
        _decoded = new ReportBatch([.. _decoder.DecodeNdjson(_ndjson).Accepted], DateTimeOffset.UnixEpoch);
        Console.WriteLine($"// rule units: {SupervisionRules.Create().Count}, rule ids: {SupervisionRules.Create().Sum(r => r.Ids.Count)}");
    }

    [Benchmark(Baseline = true)]
    public int TokenizeOnly()
    {
        var tokens = 0;
        var reader = new Utf8JsonReader(_ndjson, new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read())
        {
            tokens++;
        }
        return tokens;
    }

    [Benchmark]
    public int DecodeValidate() => _decoder.DecodeNdjson(_ndjson).Accepted.Count;

    [Benchmark]
    public int DecodeValidateRulesScoreAlert()
    {
        var decoded = _decoder.DecodeNdjson(_ndjson);
        var engine = new SupervisionEngine(RuleSet.Default, SectorModels.Uniform(_scorer));
        _changes.Clear();
        engine.Process(new ReportBatch([.. decoded.Accepted], DateTimeOffset.UnixEpoch), _changes);
        return _changes.Count;
    }

    [Benchmark]
    public int EngineOnly()
    {
        var engine = new SupervisionEngine(RuleSet.Default, SectorModels.Uniform(_scorer));
        _changes.Clear();
        engine.Process(_decoded, _changes);
        return _changes.Count;
    }

    [Benchmark]
    public int EngineWithGrades()
    {
        var engine = new SupervisionEngine(RuleSet.Default, SectorModels.Uniform(_scorer));
        _changes.Clear();
        _grades.Clear();
        engine.Process(_decoded, _changes, _grades);
        return _changes.Count + _grades.Count;
    }
}

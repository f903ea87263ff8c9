using BenchmarkDotNet.Attributes;
using Supervision.Domain.Alerts;
using Supervision.Storage.DuckDb;
using Supervision.Storage.Queries;

namespace Supervision.Benchmarks.Storage;

/// <summary>
/// Hypothesis: the top-N riskiest enterprises over 10 million stored reports answer in under one second on
/// DuckDB. Isolates the query over a file built once (and kept under the temp directory between runs, one per
/// schema version): 10M reports of 20,000 enterprises over two weeks and one score per ten reports; the query
/// ranks the enterprises of a province by score over the two weeks and counts each top enterprise's reports.
/// Baseline: the province's weekly trend over the same scores plus a count of all stored reports: one
/// aggregate pass over the period's scores and one over the reports, the least a question about them costs.
/// </summary>
[MemoryDiagnoser]
public class TopRiskDuckDbBenchmarks
{
    private DuckDbHistoryStore _store = null!;
    private readonly DateTimeOffset _from = BenchmarkData.Start;
    private readonly DateTimeOffset _to = BenchmarkData.Start.AddDays(14);

    [Params(10_000_000)]
    public int Reports { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        // One file per schema version: a file of another version would be refused.
        var directory = Path.Combine(Path.GetTempPath(), "supervision-benchmarks", $"topn-{Reports}-schema{DuckDbHistoryStore.SchemaVersion}");
        var path = Path.Combine(directory, "history.duckdb");
        var ready = Path.Combine(directory, "ready");
        if (!File.Exists(ready) && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        _store = new DuckDbHistoryStore(path);
        await _store.InitializeAsync(CancellationToken.None);
        if (File.Exists(ready))
        {
            return;
        }
        var enterprises = BenchmarkData.Enterprises(20_000);
        const int chunk = 200_000;
        ExplanationItem[][] reasons =
        [
            [new("excursionMinutes", 30, 10, 0.4)], [new("temperatureC", -12, -18, 0.3)], [new("trapped_passenger", 1, 0, 0.5)],
        ];
        for (long first = 0; first < Reports; first += chunk)
        {
            var reports = BenchmarkData.Reports(enterprises, first, chunk, "r");
            await _store.AppendReportsAsync(reports, BenchmarkData.Start.AddDays(15), CancellationToken.None);
            var scores = new List<RiskScoreRecord>(chunk / 10);
            for (var i = 0; i < reports.Length; i += 10)
            {
                var r = reports[i];
                var score = ((r.ObservedAt.ToUnixTimeSeconds() * 7919) + i) % 1000 / 1000.0;
                scores.Add(new RiskScoreRecord("s" + r.ReportId, r.EnterpriseId.Value, r.Region.ToString(), r.Sector, r.ObservedAt, score, "risk@1", reasons[i % 3]));
            }
            await _store.AppendScoresAsync(scores, CancellationToken.None);
        }
        await File.WriteAllTextAsync(ready, "ok");
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _store.DisposeAsync();

    [Benchmark(Baseline = true)]
    public async Task<long> ScanPeriod() =>
        (await _store.QueryTrendAsync(new TrendQuery(new Scope(null, "35", null), _from, _to, TimeBucket.Week), CancellationToken.None)).Count
        + await _store.CountReportsAsync(CancellationToken.None);

    [Benchmark]
    public async Task<int> TopRisk() =>
        (await _store.QueryTopRiskAsync(new TopRiskQuery(new Scope(null, "35", null), _from, _to, 20, 0), CancellationToken.None)).Count;
}

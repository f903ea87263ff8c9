using System.Text.Json;
using System.Text.Json.Nodes;
using Supervision.Domain.Reports;
using Supervision.Storage.History;
using Supervision.Storage.Queries;
using Supervision.Storage.Tests.Infrastructure;
using static Supervision.Storage.Tests.Infrastructure.HistoryData;

namespace Supervision.Storage.Tests.Conformance;

/// <summary>
/// The same seeded random history into DuckDB (the reference) and a ClickHouse backend (one node, or two shards
/// behind a Distributed table): every analyst query must give the same answer, numbers to nine significant digits.
/// </summary>
[Category("Integration")]
[TestFixture(Stores.ClickHouse)]
[TestFixture(Stores.Cluster)]
public class SameAnswersTests(string backend)
{
    private static readonly DateTimeOffset End = T0.AddDays(14);
    private Stores _stores = null!;
    private IHistoryStore _reference = null!;
    private IHistoryStore _store = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _stores = new Stores();
        _reference = await _stores.CreateAsync(Stores.DuckDb);
        _store = await _stores.CreateAsync(backend);
        await WriteRandomAsync(_reference, 5, 40, 60);
        await WriteRandomAsync(_store, 5, 40, 60);
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown() => await _stores.DisposeAsync();

    public static IEnumerable<TestCaseData> Queries()
    {
        Scope[] scopes = [Scope.Everywhere, new(null, "35", null), new(null, "3501", Sector.Food), new(MakeId("9135010" + "0000000007"), "", null), new(null, "", Sector.Equipment)];
        foreach (var scope in scopes)
        {
            foreach (var bucket in Enum.GetValues<TimeBucket>())
            {
                yield return Case($"trend {bucket} {scope}", s => s.QueryTrendAsync(new TrendQuery(scope, T0, End, bucket), CancellationToken.None));
            }
            yield return Case($"top {scope}", s => s.QueryTopRiskAsync(new TopRiskQuery(scope, T0.AddDays(2), End, 15, 0), CancellationToken.None));
            if (scope.EnterpriseId is null)
            {
                yield return Case($"top page 2 {scope}", s => s.QueryTopRiskAsync(new TopRiskQuery(scope, T0, End, 7, 7), CancellationToken.None));
            }
            yield return Case($"alert stats {scope}", s => s.QueryAlertStatisticsAsync(new AlertStatisticsQuery(scope, T0.AddDays(1), End), CancellationToken.None));
        }
        foreach (var digits in new[] { 2, 4, 6 })
        {
            yield return Case($"heat {digits}", s => s.QueryHeatAsync(new HeatQuery("", T0, End, digits), CancellationToken.None));
        }
        yield return Case("heat in 35", s => s.QueryHeatAsync(new HeatQuery("35", T0.AddDays(3), End, 6), CancellationToken.None));
        yield return Case("alerts", s => s.QueryAlertsAsync(new AlertQuery(T0.AddDays(2), End, "3501", 50), CancellationToken.None));
        yield return Case("timeline", s => s.QueryTimelineAsync(new TimelineQuery(MakeId("9135010" + "0000000003"), T0, End, 30, 5), CancellationToken.None));
        yield return Case("count", s => s.CountReportsAsync(CancellationToken.None));
    }

    [TestCaseSource(nameof(Queries))]
    public async Task Query_SameRandomHistory_SameAnswerAsDuckDb(Func<IHistoryStore, Task<object>> query)
    {
        var expected = JsonSerializer.SerializeToNode(await query(_reference));
        var actual = JsonSerializer.SerializeToNode(await query(_store));

        Assert.That(Difference(expected, actual, "$"), Is.Null, () => $"expected {expected?.ToJsonString()}\nactual   {actual?.ToJsonString()}");
        Assert.That(expected?.ToJsonString(), Is.Not.EqualTo("[]"), "the query should match something, or the comparison proves nothing");
    }

    private static TestCaseData Case<T>(string name, Func<IHistoryStore, Task<T>> query) =>
        new TestCaseData(new Func<IHistoryStore, Task<object>>(async s => (await query(s))!)).SetName("Query_SameRandomHistory_SameAnswerAsDuckDb(" + name + ")");

    /// <summary>
    /// The path of the first difference between two JSON trees, or null. Numbers may differ by one part in 10^9:
    /// a sum over shards adds in a different order than one over a single table.
    /// </summary>
    public static string? Difference(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected, actual)
        {
            case (null, null):
                return null;
            case (JsonObject e, JsonObject a):
                foreach (var (key, value) in e)
                {
                    if (!a.ContainsKey(key) || Difference(value, a[key], path + "." + key) is { } inner)
                    {
                        return a.ContainsKey(key) ? Difference(value, a[key], path + "." + key) : path + "." + key;
                    }
                }
                return e.Count == a.Count ? null : path;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count)
                {
                    return path + ".length";
                }
                for (var i = 0; i < e.Count; i++)
                {
                    if (Difference(e[i], a[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case (JsonValue e, JsonValue a) when e.TryGetValue<double>(out var x) && a.TryGetValue<double>(out var y):
                return Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y))) ? null : path;
            default:
                return expected?.ToJsonString() == actual?.ToJsonString() ? null : path;
        }
    }
}

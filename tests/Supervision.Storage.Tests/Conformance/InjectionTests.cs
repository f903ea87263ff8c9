using Supervision.Domain.Reports;
using Supervision.Storage.History;
using Supervision.Storage.Queries;
using Supervision.Storage.Tests.Infrastructure;
using static Supervision.Storage.Tests.Infrastructure.HistoryData;

namespace Supervision.Storage.Tests.Conformance;

/// <summary>
/// SQL-injection strings through every string parameter of every query, on every backend: each is a value that
/// matches nothing, never SQL; afterwards the data is intact. And the same strings as stored values come back
/// exactly, which shows the escaping is right rather than merely rejecting.
/// </summary>
[Category("Integration")]
[TestFixture(Stores.DuckDb)]
[TestFixture(Stores.ClickHouse)]
[TestFixture(Stores.Cluster)]
public class InjectionTests(string backend)
{
    public static readonly string[] Attacks =
    [
        "x' OR '1'='1",
        "35' OR 1=1 --",
        "'; DROP TABLE reports; --",
        "\\'; DROP DATABASE default; --",
        "\\",
        "' UNION ALL SELECT name, name, name FROM system.tables --",
        "35%",
        "3_",
        "line\nbreak\r\t",
        "{x:String}",
        "$1",
        "😀'\"`",
    ];

    private static readonly DateTimeOffset End = T0.AddDays(14);
    private Stores _stores = null!;
    private IHistoryStore _store = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _stores = new Stores();
        _store = await _stores.CreateAsync(backend);
        await WriteSmallAsync(_store);
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown() => await _stores.DisposeAsync();

    [TestCaseSource(nameof(Attacks))]
    public async Task EveryQuery_AttackInEveryStringParameter_MatchesNothingAndLeavesDataIntact(string attack)
    {
        var none = CancellationToken.None;

        Assert.That(await _store.QueryAlertsAsync(new AlertQuery(T0, End, attack, 10), none), Is.Empty, "alerts: region");
        Assert.That(await _store.QueryGradeChangesAsync(attack, 10, none), Is.Empty, "grade changes: enterprise");
        Assert.That(await _store.QueryTrendAsync(new TrendQuery(new Scope(attack, "", null), T0, End, TimeBucket.Day), none), Is.Empty, "trend: enterprise");
        Assert.That(await _store.QueryTrendAsync(new TrendQuery(new Scope(null, attack, null), T0, End, TimeBucket.Day), none), Is.Empty, "trend: region");
        Assert.That(await _store.QueryTopRiskAsync(new TopRiskQuery(new Scope(attack, "", null), T0, End, 10, 0), none), Is.Empty, "top: enterprise");
        Assert.That(await _store.QueryTopRiskAsync(new TopRiskQuery(new Scope(null, attack, Sector.Food), T0, End, 10, 0), none), Is.Empty, "top: region");
        Assert.That(await _store.QueryHeatAsync(new HeatQuery(attack, T0, End, 2), none), Is.Empty, "heat: region");
        Assert.That((await _store.QueryAlertStatisticsAsync(new AlertStatisticsQuery(new Scope(attack, "", null), T0, End), none)).Alerts, Is.Zero, "stats: enterprise");
        Assert.That((await _store.QueryAlertStatisticsAsync(new AlertStatisticsQuery(new Scope(null, attack, null), T0, End), none)).Alerts, Is.Zero, "stats: region");
        Assert.That(await _store.QueryTimelineAsync(new TimelineQuery(attack, T0, End, 10, 0), none), Is.Empty, "timeline: enterprise");
        Assert.That(await _store.QueryAuditAsync(new AuditQuery(T0, End, attack, 10, 0), none), Is.Empty, "audit: caller");

        Assert.That(await _store.CountReportsAsync(none), Is.EqualTo(4), "reports intact");
        Assert.That(await _store.QueryTopRiskAsync(new TopRiskQuery(Scope.Everywhere, T0, End, 10, 0), none), Has.Count.EqualTo(3), "scores intact");
    }

    [Test]
    public void EveryQuery_NulInStringParameter_ThrowsArgumentExceptionNamingIt()
    {
        var none = CancellationToken.None;
        const string nul = "91350100M000100Y43\0' OR 1=1";

        Assert.That(() => _store.QueryGradeChangesAsync(nul, 10, none), Throws.ArgumentException.With.Message.Contains("enterprise"));
        Assert.That(() => _store.QueryTimelineAsync(new TimelineQuery(nul, T0, End, 10, 0), none), Throws.ArgumentException.With.Message.Contains("enterprise"));
        Assert.That(() => _store.QueryAlertsAsync(new AlertQuery(T0, End, "35\0", 10), none), Throws.ArgumentException.With.Message.Contains("region"));
        Assert.That(() => _store.QueryHeatAsync(new HeatQuery("35\0", T0, End, 2), none), Throws.ArgumentException.With.Message.Contains("region"));
        Assert.That(() => _store.QueryTrendAsync(new TrendQuery(new Scope(nul, "", null), T0, End, TimeBucket.Day), none), Throws.ArgumentException.With.Message.Contains("enterprise"));
        Assert.That(() => _store.QueryAuditAsync(new AuditQuery(T0, End, "a\0b", 10, 0), none), Throws.ArgumentException.With.Message.Contains("caller"));
    }

    [Test]
    public async Task AppendAudit_NulInStoredValue_StoredAsReplacementCharacter()
    {
        var caller = backend + "-nul";
        await _store.AppendAuditAsync([new AuditRecord(T0.AddHours(6), caller, "a\0b", "q", 1, false)], CancellationToken.None);

        var read = await _store.QueryAuditAsync(new AuditQuery(T0, End, caller, 10, 0), CancellationToken.None);

        Assert.That(read.Single().Role, Is.EqualTo("a\uFFFDb"));
    }

    [TestCaseSource(nameof(Attacks))]
    public async Task AppendAudit_AttackAsStoredValues_ReadBackExactly(string attack)
    {
        var caller = backend + attack;
        var record = new AuditRecord(T0.AddHours(5), caller, attack, "/api/v1/risk/top?region=" + attack, 1, false);
        await _store.AppendAuditAsync([record], CancellationToken.None);

        var read = await _store.QueryAuditAsync(new AuditQuery(T0, End, caller, 10, 0), CancellationToken.None);

        Assert.That(read, Is.EqualTo(new[] { record }), backend + ": " + string.Join(" | ", read));
    }
}

using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Storage.History;
using Supervision.Storage.Queries;
using Supervision.Storage.Tests.Infrastructure;
using static Supervision.Storage.Tests.Infrastructure.HistoryData;

namespace Supervision.Storage.Tests.Conformance;

/// <summary>
/// The one conformance suite: every backend gets the same small history (<see cref="HistoryData.WriteSmallAsync"/>)
/// and must give the exact answers worked out by hand in each test.
/// </summary>
[Category("Integration")]
[TestFixture(Stores.DuckDb)]
[TestFixture(Stores.ClickHouse)]
[TestFixture(Stores.Cluster)]
public class HistoryStoreConformanceTests(string backend)
{
    private const double Tolerance = 1e-9;
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

    [Test]
    public async Task CountReports_BatchRetried_CountsEachReportOnce() =>
        Assert.That(await _store.CountReportsAsync(CancellationToken.None), Is.EqualTo(4));

    [Test]
    public async Task AppendReports_SameReportIdOfTwoEnterprises_StoresBoth()
    {
        // reportId is unique per enterprise only: the simulator, for one, numbers devices the same everywhere.
        await using var stores = new Stores();
        var store = await stores.CreateAsync(backend);
        var at = new DateTimeOffset(2026, 11, 27, 1, 0, 0, TimeSpan.Zero);
        Report Reading(string enterprise) => new("F-01-0100", Domain.Identifiers.EnterpriseId.Parse(enterprise), Domain.Identifiers.RegionCode.Parse("350102"),
            ReportKind.FoodColdChain, at, new ColdChainReading("F-01", FoodStorageClass.Frozen, -20));
        await store.AppendReportsAsync([Reading("91350100M000100Y43"), Reading("91110000600037341L")], at, CancellationToken.None);
        await store.AppendReportsAsync([Reading("91350100M000100Y43")], at, CancellationToken.None);
        Assert.That(await store.CountReportsAsync(CancellationToken.None), Is.EqualTo(2));
    }

    [Test]
    public async Task AppendReportBatches_TwoArrivalsOneRetried_EachStoredOnceWithItsArrival()
    {
        await using var stores = new Stores();
        var store = await stores.CreateAsync(backend);
        var first = new ReportBatch([Coldchain("r-1", E1, "350102", T0, -20), Coldchain("r-2", E1, "350102", T0, -21)], T0.AddHours(1));
        var second = new ReportBatch([Coldchain("r-3", E2, "110105", T0, -22)], T0.AddHours(2));
        await store.AppendReportBatchesAsync([first], CancellationToken.None);

        await store.AppendReportBatchesAsync([first, second], CancellationToken.None);

        var seen = new List<(string, DateTimeOffset)>();
        await store.ForEachReportIdAsync(DateTimeOffset.UnixEpoch, (_, id, at) => seen.Add((id, at)), CancellationToken.None);
        Assert.That(seen.OrderBy(s => s.Item1), Is.EqualTo(new[] { ("r-1", T0.AddHours(1)), ("r-2", T0.AddHours(1)), ("r-3", T0.AddHours(2)) }));
    }

    [Test]
    public async Task ForEachReportId_Everything_VisitsEachStoredReportOnce()
    {
        var seen = new List<(string Enterprise, string ReportId)>();
        await _store.ForEachReportIdAsync(DateTimeOffset.UnixEpoch, (enterprise, reportId, _) => seen.Add((enterprise, reportId)), CancellationToken.None);
        Assert.That(seen, Has.Count.EqualTo(4));
        Assert.That(seen.Distinct().Count(), Is.EqualTo(4));
    }

    [Test]
    public async Task ForEachReportId_AfterEveryArrival_VisitsNothing()
    {
        var seen = 0;
        await _store.ForEachReportIdAsync(DateTimeOffset.UtcNow.AddYears(50), (_, _, _) => seen++, CancellationToken.None);
        Assert.That(seen, Is.Zero);
    }

    [Test]
    public async Task QueryTrend_DayBucketsEverywhere_MeanMaxAndEnterprisesPerDay()
    {
        var trend = await _store.QueryTrendAsync(new TrendQuery(Scope.Everywhere, T0, End, TimeBucket.Day), CancellationToken.None);

        // Day 0: 0.2, 0.8, 0.9, 0.5 (three enterprises); day 1: 0.6; day 7: 0.1. Retried scores count once.
        AssertTrend(trend, [(T0, 4, 0.6, 0.9, 3), (T0.AddDays(1), 1, 0.6, 0.6, 1), (T0.AddDays(7), 1, 0.1, 0.1, 1)]);
    }

    [Test]
    public async Task QueryTrend_WeekBuckets_StartOnMonday()
    {
        var trend = await _store.QueryTrendAsync(new TrendQuery(Scope.Everywhere, T0.AddDays(-3), End, TimeBucket.Week), CancellationToken.None);

        AssertTrend(trend, [(T0, 5, 0.6, 0.9, 3), (T0.AddDays(7), 1, 0.1, 0.1, 1)]);
    }

    [Test]
    public async Task QueryTrend_HourBucketsInRegionPrefix_OnlyThatJurisdiction()
    {
        var trend = await _store.QueryTrendAsync(new TrendQuery(new Scope(null, "35", null), T0, End, TimeBucket.Hour), CancellationToken.None);

        AssertTrend(trend, [(T0.AddHours(1), 1, 0.2, 0.2, 1), (T0.AddHours(2), 2, 0.65, 0.8, 2), (T0.AddDays(1).AddHours(1), 1, 0.6, 0.6, 1)]);
    }

    [Test]
    public async Task QueryTrend_OneEnterprise_OnlyItsScores()
    {
        var trend = await _store.QueryTrendAsync(new TrendQuery(new Scope(E2, "", null), T0, End, TimeBucket.Day), CancellationToken.None);

        AssertTrend(trend, [(T0, 1, 0.9, 0.9, 1), (T0.AddDays(7), 1, 0.1, 0.1, 1)]);
    }

    [Test]
    public async Task QueryTrend_OneSector_OnlyThatSector()
    {
        var trend = await _store.QueryTrendAsync(new TrendQuery(new Scope(null, "", Sector.Equipment), T0, End, TimeBucket.Week), CancellationToken.None);

        AssertTrend(trend, [(T0, 1, 0.9, 0.9, 1), (T0.AddDays(7), 1, 0.1, 0.1, 1)]);
    }

    [Test]
    public async Task QueryTopRisk_Everywhere_RankedByMaxScoreWithReasonsAndReports()
    {
        var top = await _store.QueryTopRiskAsync(new TopRiskQuery(Scope.Everywhere, T0, End, 10, 0), CancellationToken.None);

        Assert.That(top.Select(t => t.EnterpriseId), Is.EqualTo(new[] { E2, E1, E3 }));
        Assert.That(top[0].MaxScore, Is.EqualTo(0.9).Within(Tolerance));
        Assert.That(top[0].MeanScore, Is.EqualTo(0.5).Within(Tolerance));
        Assert.That(top[0].Reports, Is.EqualTo(1));
        Assert.That(top[0].TopReasons, Is.EqualTo(new[] { new ReasonCount("door_fault", 1), new ReasonCount("trapped_passenger", 1) }));
        Assert.That(top[1].MeanScore, Is.EqualTo(1.6 / 3).Within(Tolerance));
        Assert.That(top[1].Scores, Is.EqualTo(3));
        Assert.That(top[1].Reports, Is.EqualTo(3));
        Assert.That(top[1].Region, Is.EqualTo("350102"));
        Assert.That(top[1].Sector, Is.EqualTo(Sector.Food));
        Assert.That(top[1].TopReasons, Is.EqualTo(new[] { new ReasonCount("excursionMinutes", 2), new ReasonCount("temperatureC", 1) }));
        Assert.That(top[2].Reports, Is.EqualTo(0));
    }

    [Test]
    public async Task QueryTopRisk_SecondPageOfOne_SecondEnterprise()
    {
        var top = await _store.QueryTopRiskAsync(new TopRiskQuery(Scope.Everywhere, T0, End, 1, 1), CancellationToken.None);

        Assert.That(top.Select(t => t.EnterpriseId), Is.EqualTo(new[] { E1 }));
    }

    [Test]
    public async Task QueryTopRisk_JurisdictionAndPeriod_OnlyInside()
    {
        var top = await _store.QueryTopRiskAsync(new TopRiskQuery(new Scope(null, "3501", null), T0.AddDays(1), End, 10, 0), CancellationToken.None);

        Assert.That(top.Select(t => (t.EnterpriseId, t.MaxScore, t.Reports)), Is.EqualTo(new[] { (E1, 0.6, 1L) }));
    }

    [Test]
    public async Task QueryHeat_ProvinceCells_OneCellPerProvinceAndSector()
    {
        var heat = await _store.QueryHeatAsync(new HeatQuery("", T0, End, 2), CancellationToken.None);

        Assert.That(heat.Select(c => (c.Region, c.Sector, c.Enterprises, c.Scores)), Is.EqualTo(new[] { ("11", Sector.Equipment, 1L, 2L), ("35", Sector.Food, 2L, 4L) }));
        Assert.That(heat[1].MeanScore, Is.EqualTo(0.525).Within(Tolerance));
        Assert.That(heat[1].MaxScore, Is.EqualTo(0.8).Within(Tolerance));
    }

    [Test]
    public async Task QueryHeat_CountyCellsInProvince_OneCellPerCounty()
    {
        var heat = await _store.QueryHeatAsync(new HeatQuery("35", T0, End, 6), CancellationToken.None);

        Assert.That(heat.Select(c => (c.Region, c.Scores, Math.Round(c.MeanScore, 9))), Is.EqualTo(new[] { ("350102", 3L, Math.Round(1.6 / 3, 9)), ("350103", 1L, 0.5) }));
    }

    [Test]
    public async Task QueryAlertStatistics_Everywhere_CountsAndTimes()
    {
        var stats = await _store.QueryAlertStatisticsAsync(new AlertStatisticsQuery(Scope.Everywhere, T0, End), CancellationToken.None);

        Assert.That(stats.Alerts, Is.EqualTo(3));
        Assert.That(stats.BySeverity, Is.EqualTo(new[] { new LabelCount("info", 0), new LabelCount("warning", 1), new LabelCount("critical", 2) }));
        Assert.That(stats.ByStatus, Is.EqualTo(new[] { new LabelCount("open", 0), new LabelCount("acknowledged", 1), new LabelCount("resolved", 2) }));
        // Acknowledged after 600 s (a-1) and 1800 s (a-3); resolved after 3600 s (a-1) and 1200 s (a-2).
        Assert.That(stats.Acknowledged, Is.EqualTo(2));
        Assert.That(stats.MeanSecondsToAcknowledge, Is.EqualTo(1200).Within(Tolerance));
        Assert.That(stats.P90SecondsToAcknowledge, Is.EqualTo(1680).Within(Tolerance));
        Assert.That(stats.Resolved, Is.EqualTo(2));
        Assert.That(stats.MeanSecondsToResolve, Is.EqualTo(2400).Within(Tolerance));
        Assert.That(stats.P90SecondsToResolve, Is.EqualTo(3360).Within(Tolerance));
    }

    [Test]
    public async Task QueryAlertStatistics_OneEnterpriseAfterDayOne_OnlyItsLaterAlert()
    {
        var stats = await _store.QueryAlertStatisticsAsync(new AlertStatisticsQuery(new Scope(E1, "", Sector.Food), T0.AddDays(1), End), CancellationToken.None);

        Assert.That(stats.Alerts, Is.EqualTo(1));
        Assert.That(stats.MeanSecondsToAcknowledge, Is.EqualTo(1800).Within(Tolerance));
        Assert.That(stats.MeanSecondsToResolve, Is.Null);
    }

    [Test]
    public async Task QueryAlerts_Jurisdiction_LatestStateNewestFirst()
    {
        var alerts = await _store.QueryAlertsAsync(new AlertQuery(T0, End, "35", 10), CancellationToken.None);

        Assert.That(alerts.Select(a => (a.AlertId, a.Status, a.Count)), Is.EqualTo(new[] { ("a-3", AlertStatus.Acknowledged, 2), ("a-1", AlertStatus.Resolved, 5) }));
        Assert.That(alerts[1].LastSeen, Is.EqualTo(T0.AddMinutes(150)));
        Assert.That(alerts[1].Explanation, Is.EqualTo(new[] { new ExplanationItem("temperatureC", -12, -18, null) }));
    }

    [Test]
    public async Task QueryAlerts_OneEnterprise_OnlyItsAlerts()
    {
        var alerts = await _store.QueryAlertsAsync(new AlertQuery(T0, End, "", 10) { EnterpriseId = E2 }, CancellationToken.None);

        Assert.That(alerts.Select(a => a.AlertId), Is.EqualTo(new[] { "a-2" }));
    }

    [Test]
    public async Task QueryAlerts_SectorSet_OnlyThoseSectors()
    {
        var food = await _store.QueryAlertsAsync(new AlertQuery(T0, End, "", 10) { Sectors = [Sector.Food, Sector.Drug] }, CancellationToken.None);
        var equipment = await _store.QueryAlertsAsync(new AlertQuery(T0, End, "", 10) { Sectors = [Sector.Equipment] }, CancellationToken.None);

        Assert.That(food.Select(a => a.AlertId), Is.EqualTo(new[] { "a-3", "a-1" }));
        Assert.That(equipment.Select(a => a.AlertId), Is.EqualTo(new[] { "a-2" }));
    }

    [Test]
    public async Task QueryTopRisk_SectorSet_OnlyThoseSectors()
    {
        var top = await _store.QueryTopRiskAsync(new TopRiskQuery(Scope.Everywhere with { Sectors = [Sector.Equipment, Sector.Agri] }, T0, End, 10, 0), CancellationToken.None);

        Assert.That(top.Select(t => t.EnterpriseId), Is.EqualTo(new[] { E2 }));
    }

    [Test]
    public async Task QueryHeat_SectorSet_OnlyThoseSectors()
    {
        var heat = await _store.QueryHeatAsync(new HeatQuery("", T0, End, 2) { Sectors = [Sector.Food] }, CancellationToken.None);

        Assert.That(heat.Select(c => (c.Region, c.Sector)), Is.EqualTo(new[] { ("35", Sector.Food) }));
    }

    [Test]
    public async Task QueryTimeline_Enterprise_EveryKindNewestFirst()
    {
        var timeline = await _store.QueryTimelineAsync(new TimelineQuery(E1, T0, End, 100, 0), CancellationToken.None);

        // 3 reports, 3 scores, 5 alert events (a-1 three, a-3 two), 1 grade change, 1 snapshot.
        Assert.That(timeline, Has.Count.EqualTo(13));
        Assert.That(timeline.GroupBy(t => t.Type).ToDictionary(g => g.Key, g => g.Count()),
            Is.EqualTo(new Dictionary<string, int> { ["report"] = 3, ["score"] = 3, ["alert"] = 5, ["grade"] = 1, ["snapshot"] = 1 }));
        Assert.That(timeline[0].At, Is.EqualTo(T0.AddDays(1).AddMinutes(70)));
        Assert.That(timeline.Select(t => t.At), Is.Ordered.Descending);
    }

    [Test]
    public async Task QueryTimeline_SecondPage_SameEntriesAsSliceOfWhole()
    {
        var whole = await _store.QueryTimelineAsync(new TimelineQuery(E1, T0, End, 100, 0), CancellationToken.None);
        var page = await _store.QueryTimelineAsync(new TimelineQuery(E1, T0, End, 4, 4), CancellationToken.None);

        Assert.That(page, Is.EqualTo(whole.Skip(4).Take(4)));
    }

    [Test]
    public async Task QueryGradeChanges_Enterprise_RoundTrips()
    {
        var changes = await _store.QueryGradeChangesAsync(E1, 10, CancellationToken.None);

        Assert.That(changes, Has.Count.EqualTo(1));
        Assert.That(changes[0] with { Reasons = [] }, Is.EqualTo(new GradeChange(E1, "350102", Sector.Food, CreditGrade.B, CreditGrade.C, 0.8, [], "risk@1", T0.AddHours(3))));
        Assert.That(changes[0].Reasons, Is.EqualTo(new[] { new ExplanationItem("excursionMinutes", 40, null, 0.3) }));
    }

    [Test]
    public async Task QueryAudit_ByCaller_OnlyThatCallersRecordsNewestFirst()
    {
        var caller = "audit-" + backend;
        await _store.AppendAuditAsync(
        [
            new AuditRecord(T0.AddHours(1), caller, "analyst", "/api/v1/risk/top?region=35", 3, true),
            new AuditRecord(T0.AddHours(2), caller, "analyst", "/api/v1/risk/heat", 2, false),
            new AuditRecord(T0.AddHours(3), "someone-else", "supervisor", "/api/v1/risk/heat", 2, false),
        ], CancellationToken.None);

        var audit = await _store.QueryAuditAsync(new AuditQuery(T0, End, caller, 10, 0), CancellationToken.None);

        Assert.That(audit, Is.EqualTo(new[]
        {
            new AuditRecord(T0.AddHours(2), caller, "analyst", "/api/v1/risk/heat", 2, false),
            new AuditRecord(T0.AddHours(1), caller, "analyst", "/api/v1/risk/top?region=35", 3, true),
        }));
    }

    private static void AssertTrend(IReadOnlyList<TrendPoint> trend, (DateTimeOffset Bucket, long Scores, double Mean, double Max, long Enterprises)[] expected)
    {
        Assert.That(trend.Select(p => (p.Bucket, p.Scores, p.Enterprises)), Is.EqualTo(expected.Select(e => (e.Bucket, e.Scores, e.Enterprises))));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.That(trend[i].MeanScore, Is.EqualTo(expected[i].Mean).Within(Tolerance), $"mean of bucket {i}");
            Assert.That(trend[i].MaxScore, Is.EqualTo(expected[i].Max).Within(Tolerance), $"max of bucket {i}");
        }
    }
}

using DuckDB.NET.Data;
using Supervision.Domain.Alerts;
using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;
using Supervision.Storage.DuckDb;
using Supervision.Storage.History;
using Supervision.Storage.Queries;
using static Supervision.Storage.Tests.Infrastructure.HistoryData;

namespace Supervision.Storage.Tests.DuckDb;

/// <summary>
/// What only the DuckDB store has: reports told apart from stored ones without a key index (across restarts, in
/// large writes on two connections, within the deduplication window), name codes, and the schema version check.
/// </summary>
[Category("Integration")]
public class DuckDbHistoryStoreTests
{
    private static readonly DateTimeOffset Received = T0.AddDays(2);
    private string _directory = null!;
    private string _path = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "supervision-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _path = Path.Combine(_directory, "history.duckdb");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task AppendReports_SameWriteAfterReopen_StoredOnce()
    {
        var reports = Readings(0, 100);
        await using (var first = await OpenAsync())
        {
            await first.AppendReportsAsync(reports, Received, CancellationToken.None);
        }

        await using var second = await OpenAsync();
        await second.AppendReportsAsync(reports, Received.AddMinutes(5), CancellationToken.None);
        await second.AppendReportsAsync(Readings(100, 10), Received.AddMinutes(5), CancellationToken.None);

        Assert.That(await second.CountReportsAsync(CancellationToken.None), Is.EqualTo(110));
    }

    [Test]
    public async Task AppendReports_LargeWritesOverlapping_EachReportStoredOnce()
    {
        // Large enough for two connections at once; the second write repeats the last 50,000 of the first.
        await using var store = await OpenAsync();
        await store.AppendReportsAsync(Readings(0, 150_000), Received, CancellationToken.None);
        await store.AppendReportsAsync(Readings(100_000, 150_000), Received.AddSeconds(1), CancellationToken.None);

        var ids = new List<string>();
        await store.ForEachReportIdAsync(DateTimeOffset.UnixEpoch, (_, id, _) => ids.Add(id), CancellationToken.None);

        Assert.That(ids, Has.Count.EqualTo(250_000));
        Assert.That(ids.Distinct().Count(), Is.EqualTo(250_000));
    }

    [Test]
    public async Task AppendReports_SameReportTwiceInOneWrite_StoredOnce()
    {
        await using var store = await OpenAsync();
        var reading = Coldchain("r-1", E1, "350102", T0, -20);

        await store.AppendReportsAsync([reading, Coldchain("r-2", E1, "350102", T0, -21), reading], Received, CancellationToken.None);

        Assert.That(await store.CountReportsAsync(CancellationToken.None), Is.EqualTo(2));
    }

    [Test]
    public async Task AppendReports_ResentWithinDeduplicationWindow_StoredOnce()
    {
        await using var store = await OpenAsync();
        await store.AppendReportsAsync([Coldchain("r-1", E1, "350102", T0, -20)], Received, CancellationToken.None);
        await store.AppendReportsAsync(Readings(0, 1), Received.AddDays(7), CancellationToken.None);

        await store.AppendReportsAsync([Coldchain("r-1", E1, "350102", T0, -20)], Received.AddDays(7).AddHours(23), CancellationToken.None);

        Assert.That(await store.CountReportsAsync(CancellationToken.None), Is.EqualTo(2));
    }

    [Test]
    public async Task AppendReports_ResentAfterDeduplicationWindow_StoredAgain()
    {
        // The window is the documented limit: the server's own index rejects resends for 7 days, 8 are kept here.
        await using var store = await OpenAsync();
        await store.AppendReportsAsync([Coldchain("r-1", E1, "350102", T0, -20)], Received, CancellationToken.None);

        await store.AppendReportsAsync([Coldchain("r-1", E1, "350102", T0, -20)], Received.AddDays(10), CancellationToken.None);

        Assert.That(await store.CountReportsAsync(CancellationToken.None), Is.EqualTo(2));
    }

    [Test]
    public async Task ForEachReportId_AfterReopen_NamesEnterprisesAndArrival()
    {
        await using (var first = await OpenAsync())
        {
            await first.AppendReportsAsync([Coldchain("r-1", E1, "350102", T0, -20), Coldchain("r-1", E2, "110105", T0, -20)], Received, CancellationToken.None);
        }
        await using var second = await OpenAsync();

        var seen = new List<(string, string, DateTimeOffset)>();
        await second.ForEachReportIdAsync(DateTimeOffset.UnixEpoch, (e, id, at) => seen.Add((e, id, at)), CancellationToken.None);

        Assert.That(seen.OrderBy(s => s.Item1), Is.EqualTo(new[] { (E2, "r-1", Received), (E1, "r-1", Received) }.OrderBy(s => s.Item1)));
    }

    [Test]
    public async Task QueryTimeline_KindsStoredInColumnsAndAsJson_SamePayloadBack()
    {
        var batch = new Report("b-1", EnterpriseId.Parse(E1), RegionCode.Parse("350102"), ReportKind.FoodBatch, T0.AddHours(1),
            new FoodBatch("SC11135010200001", "milk", "B-7", new DateOnly(2026, 11, 20), 30, 120));
        var telemetry = new Report("t-1", EnterpriseId.Parse(E1), RegionCode.Parse("350102"), ReportKind.EquipmentTelemetry, T0.AddHours(2),
            new EquipmentTelemetry("EL-9", EquipmentType.Elevator, "door_fault", 1));
        var cold = Coldchain("c-1", E1, "350102", T0.AddHours(3), -12.5);
        await using var store = await OpenAsync();
        await store.AppendReportsAsync([batch, telemetry, cold], Received, CancellationToken.None);

        var timeline = await store.QueryTimelineAsync(new TimelineQuery(E1, T0, T0.AddDays(1), 10, 0), CancellationToken.None);

        Assert.That(timeline.Select(e => (e.Id, e.Detail)), Is.EqualTo(new[]
        {
            ("c-1", StoredForms.PayloadJson("food.coldchain", "F-1", "frozen", "temperatureC", -12.5, "")),
            ("t-1", StoredForms.PayloadJson("equipment.telemetry", "EL-9", "elevator", "door_fault", 1, "")),
            ("b-1", StoredForms.Normalise(batch).PayloadJson),
        }));
    }

    [TestCase("r")]
    [TestCase("exactly12chr")]
    [TestCase("thirteen-char")]
    [TestCase("报告-1")]
    [TestCase("8f14e45f-ceea-467f-a0e6-2b7c3d2f1a90/冷库温度/😀")]
    public async Task AppendReports_ReportIdAndDeviceOfAnyLength_ReadBackExactly(string text)
    {
        await using var store = await OpenAsync();
        await store.AppendReportsAsync([Coldchain(text, E1, "350102", T0, -20, device: text)], Received, CancellationToken.None);

        var timeline = await store.QueryTimelineAsync(new TimelineQuery(E1, T0, T0.AddDays(1), 10, 0), CancellationToken.None);

        Assert.That(timeline.Single().Id, Is.EqualTo(text));
        Assert.That(timeline.Single().Detail, Is.EqualTo(StoredForms.PayloadJson("food.coldchain", text, "frozen", "temperatureC", -20, "")));
    }

    [Test]
    public async Task AppendReports_NulInReportId_StoredAsReplacementCharacterAndStillOnce()
    {
        await using var store = await OpenAsync();
        await store.AppendReportsAsync([Coldchain("a\0b", E1, "350102", T0, -20)], Received, CancellationToken.None);
        await store.AppendReportsAsync([Coldchain("a\0b", E1, "350102", T0, -20)], Received, CancellationToken.None);

        var ids = new List<string>();
        await store.ForEachReportIdAsync(DateTimeOffset.UnixEpoch, (_, id, _) => ids.Add(id), CancellationToken.None);

        Assert.That(ids, Is.EqualTo(new[] { "a\uFFFDb" }));
    }

    [Test]
    public async Task ReportRowsView_StoredReport_ShowsItsNames()
    {
        await using (var store = await OpenAsync())
        {
            await store.AppendReportsAsync([Coldchain("r-1", E1, "350102", T0, -20, device: "F-7")], Received, CancellationToken.None);
        }
        using var connection = new DuckDBConnection($"Data Source={_path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT enterprise_id, region, sector, kind, subject, attribute, metric, value, payload FROM report_rows";
        using var reader = command.ExecuteReader();

        Assert.That(reader.Read(), Is.True);
        Assert.That(
            Enumerable.Range(0, reader.FieldCount).Select(reader.GetValue),
            Is.EqualTo(new object[] { E1, "350102", "food", "food.coldchain", "F-7", "frozen", "temperatureC", -20.0, "" }));
    }

    [Test]
    public async Task InitializeAsync_FileWithoutSchemaVersion_RefusedAsEarlierVersion()
    {
        using (var connection = new DuckDBConnection($"Data Source={_path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE reports (report_id VARCHAR, enterprise_id VARCHAR, subject VARCHAR)";
            command.ExecuteNonQuery();
        }
        await using var store = new DuckDbHistoryStore(_path);

        Assert.That(() => store.InitializeAsync(CancellationToken.None), Throws.InvalidOperationException
            .With.Message.Contains("written by an earlier version").And.Message.Contains("history schema 1").And.Message.Contains("move it away"));
    }

    [Test]
    public async Task InitializeAsync_FileOfSchema2_MigratedKeepingItsAlerts()
    {
        await using (var store = await OpenAsync())
        {
            await store.AppendAlertsAsync([Alert("a-old", E1, "350102", Sector.Food, Severity.Warning, AlertStatus.Open, T0, T0, 1)], T0, CancellationToken.None);
        }
        using (var connection = new DuckDBConnection($"Data Source={_path}"))
        {
            // What a schema-2 file looks like: alert events without the rule version.
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE alert_events DROP COLUMN rule_version; UPDATE schema_version SET version = 2";
            command.ExecuteNonQuery();
        }
        await using var migrated = await OpenAsync();
        await migrated.AppendAlertsAsync([Alert("a-new", E1, "350102", Sector.Food, Severity.Warning, AlertStatus.Open, T0.AddMinutes(1), T0.AddMinutes(1), 1)], T0, CancellationToken.None);

        var alerts = await migrated.QueryAlertsAsync(new AlertQuery(T0.AddDays(-1), T0.AddDays(1), "", 10), CancellationToken.None);
        Assert.That(alerts.Select(a => (a.AlertId, a.RuleVersion)), Is.EquivalentTo(new[] { ("a-old", ""), ("a-new", "rules@0a1b2c3d") }));
    }

    [Test]
    public async Task InitializeAsync_FileOfLaterSchema_RefusedAsLaterVersion()
    {
        await (await OpenAsync()).DisposeAsync();
        using (var connection = new DuckDBConnection($"Data Source={_path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE schema_version SET version = {DuckDbHistoryStore.SchemaVersion + 1}";
            command.ExecuteNonQuery();
        }
        await using var later = new DuckDbHistoryStore(_path);

        Assert.That(() => later.InitializeAsync(CancellationToken.None), Throws.InvalidOperationException.With.Message.Contains("written by a later version"));
    }

    private async Task<DuckDbHistoryStore> OpenAsync()
    {
        var store = new DuckDbHistoryStore(_path);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private static Report[] Readings(int first, int count) =>
        [.. Enumerable.Range(first, count).Select(i => Coldchain("r-" + i, i % 2 == 0 ? E1 : E2, i % 2 == 0 ? "350102" : "110105", T0.AddSeconds(i), -20, "F-" + (i % 7)))];
}

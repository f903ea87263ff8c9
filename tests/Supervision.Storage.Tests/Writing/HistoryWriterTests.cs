using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Storage.History;
using Supervision.Storage.Queries;
using Supervision.Storage.Tests.Infrastructure;
using Supervision.Storage.Writing;
using static Supervision.Storage.Tests.Infrastructure.HistoryData;

namespace Supervision.Storage.Tests.Writing;

[Category("Integration")]
public class HistoryWriterTests
{
    private Stores _stores = null!;

    [SetUp]
    public void SetUp() => _stores = new Stores();

    [TearDown]
    public async Task TearDown() => await _stores.DisposeAsync();

    [Test]
    public async Task Enqueue_ClickHouseStoppedMidStream_SpillsThenReplaysInOrderWithNothingLostOrDuplicated()
    {
        _ = ClickHouseControl.Directory;
        var store = new RecordingStore(await _stores.CreateAsync(Stores.ClickHouse));
        var errors = 0;
        await using var writer = new HistoryWriter(store, TimeProvider.System,
            new HistoryWriterOptions { Capacity = 8, SpillDirectory = Path.Combine(_stores.NewDirectory(), "spill"), RetryDelay = TimeSpan.FromMilliseconds(200) },
            _ => Interlocked.Increment(ref errors));
        var batches = Enumerable.Range(0, 40).Select(Batch).ToList();

        foreach (var batch in batches[..15])
        {
            await writer.EnqueueReportsAsync(batch, CancellationToken.None);
        }
        await writer.FlushAsync(CancellationToken.None);
        await ClickHouseControl.StopAsync();
        try
        {
            foreach (var batch in batches[15..30])
            {
                await writer.EnqueueReportsAsync(batch, CancellationToken.None);
            }
            await writer.EnqueueAlertsAsync([Alert("a-down", E1, "350102", Sector.Food, Severity.Warning, AlertStatus.Open, T0, T0.AddMinutes(1), 1)], CancellationToken.None);
            var flushWhileDown = writer.FlushAsync(CancellationToken.None);
            await Task.Delay(1000);
            Assert.That(flushWhileDown.IsCompleted, Is.False, $"a flush cannot complete while the store is down ({flushWhileDown.Status} {flushWhileDown.Exception?.InnerException?.Message}, spilled {writer.Spilled}, errors {errors})");
            Assert.That(writer.SpillBacklog, Is.EqualTo(16), "15 report batches and one alert write wait on disk");
        }
        finally
        {
            await ClickHouseControl.StartAsync();
        }
        foreach (var batch in batches[30..])
        {
            await writer.EnqueueReportsAsync(batch, CancellationToken.None);
        }
        await writer.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.That(writer.SpillBacklog, Is.Zero);
        // Writes queued after the restart but before the spill drained went to the spill too, to keep the order.
        Assert.That(writer.Spilled, Is.GreaterThanOrEqualTo(16));
        Assert.That(writer.Replayed, Is.EqualTo(writer.Spilled));
        Assert.That(errors, Is.GreaterThan(0), "the outage was noticed");
        Assert.That(await store.CountReportsAsync(CancellationToken.None), Is.EqualTo(40 * 250));
        Assert.That(store.WrittenBatchFirstIds, Is.EqualTo(batches.Select(b => b.Reports[0].ReportId)), "batches reach the store in the order they were queued");
        var alerts = await store.QueryAlertsAsync(new AlertQuery(T0.AddDays(-1), T0.AddDays(1), "", 10), CancellationToken.None);
        Assert.That(alerts.Select(a => a.AlertId), Is.EqualTo(new[] { "a-down" }));
    }

    [Test]
    public async Task Enqueue_StoreBlockedAndQueueFull_ProducerWaitsUntilStoreTakesWrites()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = new RecordingStore(await _stores.CreateAsync(Stores.DuckDb), gate.Task);
        await using var writer = new HistoryWriter(store, TimeProvider.System, new HistoryWriterOptions { Capacity = 2, MaxItemsPerRound = 1 }, e => Assert.Fail(e.Message));

        await writer.EnqueueReportsAsync(Batch(0), CancellationToken.None);
        await Task.Delay(200);
        await writer.EnqueueReportsAsync(Batch(1), CancellationToken.None);
        await writer.EnqueueReportsAsync(Batch(2), CancellationToken.None);
        var fourth = writer.EnqueueReportsAsync(Batch(3), CancellationToken.None).AsTask();
        await Task.Delay(300);

        Assert.That(fourth.IsCompleted, Is.False, "one write in the store, two queued: the fourth must wait");
        gate.SetResult();
        await fourth.WaitAsync(TimeSpan.FromSeconds(10));
        await writer.FlushAsync(CancellationToken.None);
        Assert.That(await store.CountReportsAsync(CancellationToken.None), Is.EqualTo(4 * 250));
    }

    [Test]
    public async Task Enqueue_BatchesQueuedWhileStoreBusy_OneAppendInOrderEachWithItsArrivalTime()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = await _stores.CreateAsync(Stores.DuckDb);
        var store = new RecordingStore(inner, gate.Task);
        await using var writer = new HistoryWriter(store, TimeProvider.System, new HistoryWriterOptions { Capacity = 8 }, e => Assert.Fail(e.Message));
        var at = T0.AddDays(1);
        ReportBatch Part(string prefix, int count, int second) =>
            new([.. Enumerable.Range(0, count).Select(i => Coldchain($"{prefix}{i}", E1, "350102", T0.AddSeconds(i), -20))], at.AddSeconds(second));

        await writer.EnqueueReportsAsync(Part("a", 2, 0), CancellationToken.None);
        await Task.Delay(200);
        // Three batches (one of them empty) wait behind the first: one append, each keeping its arrival time.
        await writer.EnqueueReportsAsync(Part("b", 3, 1), CancellationToken.None);
        await writer.EnqueueReportsAsync(Part("c", 0, 2), CancellationToken.None);
        await writer.EnqueueReportsAsync(Part("d", 2, 3), CancellationToken.None);
        gate.SetResult();
        await writer.FlushAsync(CancellationToken.None);

        Assert.That(store.ReportWrites, Is.EqualTo(2));
        Assert.That(store.WrittenBatchFirstIds, Is.EqualTo(new[] { "a0", "b0", "d0" }));
        var stored = new List<(string, DateTimeOffset)>();
        await inner.ForEachReportIdAsync(DateTimeOffset.UnixEpoch, (_, id, received) => stored.Add((id, received)), CancellationToken.None);
        Assert.That(stored.OrderBy(s => s.Item1), Is.EqualTo(new[]
        {
            ("a0", at), ("a1", at), ("b0", at.AddSeconds(1)), ("b1", at.AddSeconds(1)), ("b2", at.AddSeconds(1)), ("d0", at.AddSeconds(3)), ("d1", at.AddSeconds(3)),
        }));
    }

    [Test]
    public async Task Constructor_SpillLeftByEarlierRun_ReplaysItFirst()
    {
        var spill = Path.Combine(_stores.NewDirectory(), "spill");
        var down = new RecordingStore(await _stores.CreateAsync(Stores.DuckDb), failing: true);
        await using (var first = new HistoryWriter(down, TimeProvider.System, new HistoryWriterOptions { SpillDirectory = spill, RetryDelay = TimeSpan.FromHours(1) }, _ => { }))
        {
            await first.EnqueueReportsAsync(Batch(0), CancellationToken.None);
            await first.EnqueueScoresAsync([Score("s-x", E1, "350102", Sector.Food, T0, 0.4, "temperatureC")], CancellationToken.None);
        }
        Assert.That(Directory.GetFiles(spill, "*.json"), Has.Length.EqualTo(2));

        var store = await _stores.CreateAsync(Stores.DuckDb);
        await using var second = new HistoryWriter(store, TimeProvider.System, new HistoryWriterOptions { SpillDirectory = spill }, e => Assert.Fail(e.Message));
        await second.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(await store.CountReportsAsync(CancellationToken.None), Is.EqualTo(250));
        Assert.That((await store.QueryTrendAsync(new TrendQuery(Scope.Everywhere, T0, T0.AddDays(1), TimeBucket.Day), CancellationToken.None)).Single().Scores, Is.EqualTo(1));
        Assert.That(Directory.GetFiles(spill, "*.json"), Is.Empty);
    }

    [Test]
    public async Task Constructor_SpillEntryThatCannotBeRead_SetAsideAndTheRestReplayed()
    {
        var spill = Path.Combine(_stores.NewDirectory(), "spill");
        var down = new RecordingStore(await _stores.CreateAsync(Stores.DuckDb), failing: true);
        await using (var first = new HistoryWriter(down, TimeProvider.System, new HistoryWriterOptions { SpillDirectory = spill, RetryDelay = TimeSpan.FromHours(1) }, _ => { }))
        {
            await first.EnqueueReportsAsync(Batch(0), CancellationToken.None);
            await first.EnqueueReportsAsync(Batch(1), CancellationToken.None);
        }
        var files = Directory.GetFiles(spill, "*.json").Order(StringComparer.Ordinal).ToArray();
        await File.WriteAllTextAsync(files[0], (await File.ReadAllTextAsync(files[0])).Replace("food.coldchain", "food.unknown", StringComparison.Ordinal));
        var errors = new List<string>();

        var store = await _stores.CreateAsync(Stores.DuckDb);
        await using var second = new HistoryWriter(store, TimeProvider.System, new HistoryWriterOptions { SpillDirectory = spill }, e => errors.Add(e.Message));
        await second.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(await store.CountReportsAsync(CancellationToken.None), Is.EqualTo(250));
        Assert.That(errors.Single(), Does.Contain("cannot be replayed and was moved to " + Path.Combine(spill, "rejected")));
        Assert.That(Directory.GetFiles(Path.Combine(spill, "rejected")), Has.Length.EqualTo(1));
    }

    private static ReportBatch Batch(int n)
    {
        var reports = new Report[250];
        for (var i = 0; i < reports.Length; i++)
        {
            reports[i] = Coldchain($"b{n:D3}-{i:D3}", i % 2 == 0 ? E1 : E2, i % 2 == 0 ? "350102" : "110105", T0.AddMinutes(n).AddSeconds(i), -20 + (i % 7));
        }
        return new ReportBatch(reports, T0.AddDays(1).AddMinutes(n));
    }
}

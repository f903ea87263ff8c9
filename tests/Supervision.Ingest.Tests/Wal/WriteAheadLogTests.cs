using System.Text;
using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;
using Supervision.Ingest.Wal;

namespace Supervision.Ingest.Tests.Wal;

[Category("Integration")]
public class WriteAheadLogTests
{
    private string _directory = null!;
    private List<string> _warnings = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "supervision-wal-" + Guid.NewGuid().ToString("N"));
        _warnings = [];
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private WriteAheadLog NewLog(long segmentBytes = 1 << 20) => new(_directory, segmentBytes, 64, _warnings.Add);

    private static Report Reading(int i) => new(
        $"r-{i}", EnterpriseId.Parse("91350100M000100Y43"), RegionCode.Parse("350102"), ReportKind.FoodColdChain,
        new DateTimeOffset(2026, 11, 27, 1, 0, 0, TimeSpan.Zero).AddMinutes(i), new ColdChainReading("F-1", FoodStorageClass.Frozen, -20 + (i % 7)));

    private static string Id(WalRecord record) => Encoding.UTF8.GetString(record.Payload.Span).Split('"')[3];

    [Test]
    public async Task Open_AfterAppends_ReturnsEveryRecordInOrder()
    {
        await using (var log = NewLog())
        {
            Assert.That(log.Open(), Is.Empty);
            await log.AppendAsync([Reading(1), Reading(2)], CancellationToken.None);
            await log.AppendAsync([Reading(3)], CancellationToken.None);
        }
        await using var reopened = NewLog();
        var records = reopened.Open();
        Assert.That(records.Select(Id), Is.EqualTo(new[] { "r-1", "r-2", "r-3" }));
        Assert.That(_warnings, Is.Empty);
    }

    [Test]
    public async Task Open_TornTail_TruncatesWithWarningAndKeepsWholeRecords()
    {
        await using (var log = NewLog())
        {
            log.Open();
            await log.AppendAsync([Reading(1), Reading(2)], CancellationToken.None);
        }
        var segment = Directory.GetFiles(_directory, "*.wal").Single();
        var whole = new FileInfo(segment).Length;
        // A crash in the middle of a write: half of a third record.
        await using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write([200, 0, 0, 0, 1, 2, 3, 4, (byte)'{', (byte)'"']);
        }
        await using var reopened = NewLog();
        var records = reopened.Open();
        Assert.That(records.Select(Id), Is.EqualTo(new[] { "r-1", "r-2" }));
        Assert.That(new FileInfo(segment).Length, Is.EqualTo(whole));
        Assert.That(_warnings.Single(), Does.Contain("a partial record at byte " + whole).And.Contain("truncating 10 bytes"));
    }

    [Test]
    public async Task Open_FlippedBit_StopsAtCrcMismatch()
    {
        await using (var log = NewLog())
        {
            log.Open();
            await log.AppendAsync([Reading(1), Reading(2)], CancellationToken.None);
        }
        var segment = Directory.GetFiles(_directory, "*.wal").Single();
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[^5] ^= 0x20;
        await File.WriteAllBytesAsync(segment, bytes);
        await using var reopened = NewLog();
        Assert.That(reopened.Open().Select(Id), Is.EqualTo(new[] { "r-1" }));
        Assert.That(_warnings.Single(), Does.Contain("a record whose CRC does not match"));
    }

    [Test]
    public async Task MarkStored_DeletesSegmentsBeforeThePosition()
    {
        await using var log = NewLog(segmentBytes: 4096);
        log.Open();
        WalPosition last = default;
        for (var i = 0; i < 60; i++)
        {
            last = await log.AppendAsync([Reading(i)], CancellationToken.None);
        }
        var before = Directory.GetFiles(_directory, "*.wal").Length;
        Assert.That(before, Is.GreaterThan(2));
        log.MarkStored(last);
        var after = Directory.GetFiles(_directory, "*.wal").Select(f => long.Parse(Path.GetFileNameWithoutExtension(f), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.That(after.Min(), Is.EqualTo(last.Segment));
    }

    [Test]
    public async Task AppendAsync_ConcurrentCallers_ShareFlushes()
    {
        await using var log = NewLog();
        log.Open();
        var appends = Enumerable.Range(0, 200).Select(i => log.AppendAsync([Reading(i)], CancellationToken.None).AsTask()).ToArray();
        await Task.WhenAll(appends);
        Assert.That(log.Flushes, Is.LessThan(200));
        await log.DisposeAsync();
        await using var reopened = NewLog();
        Assert.That(reopened.Open(), Has.Count.EqualTo(200));
    }

    [Test]
    public async Task AppendAsync_ConcurrentCallers_OnDurableCalledInLogOrderWithEachAppendsOwnEnd()
    {
        await using var log = NewLog();
        log.Open();
        var seen = new List<WalPosition>();
        var appends = Enumerable.Range(0, 100).Select(i => log.AppendAsync([Reading(i)], DateTimeOffset.UnixEpoch, p => { lock (seen) { seen.Add(p); } }, CancellationToken.None).AsTask()).ToArray();
        var returned = await Task.WhenAll(appends);
        Assert.That(seen.Select(p => p.Pack()), Is.Ordered);
        Assert.That(seen.Distinct().Count(), Is.EqualTo(100), "appends that shared a flush still end at different places");
        Assert.That(returned.Select(p => p.Pack()).Order(), Is.EqualTo(seen.Select(p => p.Pack())));
    }

    [Test]
    public async Task Open_BatchesAndCommands_ReadBackWithTheirKinds()
    {
        var receivedAt = new DateTimeOffset(2026, 11, 27, 8, 30, 0, TimeSpan.Zero);
        await using (var log = NewLog())
        {
            log.Open();
            await log.AppendAsync([Reading(1), Reading(2)], receivedAt, null, CancellationToken.None);
            await log.AppendCommandAsync(new byte[] { 7, 8, 9 }, null, CancellationToken.None);
        }
        await using var reopened = NewLog();
        var records = reopened.Open();
        Assert.That(records.Select(r => r.Kind), Is.EqualTo(new[] { WalRecordKind.BatchStart, WalRecordKind.Envelope, WalRecordKind.Envelope, WalRecordKind.Command }));
        Assert.That(records[0].BatchStart(), Is.EqualTo((receivedAt, 2)));
        Assert.That(records[3].Command.ToArray(), Is.EqualTo(new byte[] { 7, 8, 9 }));
    }

    [Test]
    public async Task Open_AfterAPosition_ReturnsOnlyLaterRecords()
    {
        WalPosition middle;
        await using (var log = NewLog())
        {
            log.Open();
            await log.AppendAsync([Reading(1)], CancellationToken.None);
            middle = await log.AppendAsync([Reading(2)], CancellationToken.None);
            await log.AppendAsync([Reading(3)], CancellationToken.None);
        }
        await using var reopened = NewLog();
        Assert.That(reopened.Open(middle).Select(Id), Is.EqualTo(new[] { "r-3" }));
    }

    [Test]
    public async Task MarkSnapshotted_SegmentsGoOnlyOnceStoredAndSnapshotted()
    {
        await using var log = NewLog(segmentBytes: 4096);
        log.Open(default);
        WalPosition last = default;
        for (var i = 0; i < 40; i++)
        {
            last = await log.AppendAsync([Reading(i)], DateTimeOffset.UnixEpoch, null, CancellationToken.None);
        }
        var segments = Directory.GetFiles(_directory, "*.wal").Length;
        log.MarkSnapshotted(new WalPosition(1, 0));
        log.MarkStored(last);
        Assert.That(Directory.GetFiles(_directory, "*.wal"), Has.Length.EqualTo(segments), "no snapshot covers them yet");
        log.MarkSnapshotted(last);
        Assert.That(Directory.GetFiles(_directory, "*.wal").Length, Is.LessThan(segments));
    }
}

/// <summary><see cref="WalReplay"/>: the log's records back as engine input.</summary>
[Category("Integration")]
public class WalReplayTests
{
    [Test]
    public async Task Read_BatchesAndCommands_InLogOrderWithArrivalTimes()
    {
        var directory = Path.Combine(Path.GetTempPath(), "supervision-wal-" + Guid.NewGuid().ToString("N"));
        var receivedAt = new DateTimeOffset(2026, 11, 27, 8, 30, 0, TimeSpan.Zero);
        try
        {
            await using (var log = new WriteAheadLog(directory, 1 << 20, 16, _ => { }))
            {
                log.Open();
                await log.AppendAsync([Reading(1), Reading(2)], receivedAt, null, CancellationToken.None);
                await log.AppendCommandAsync(new byte[] { 1, 2 }, null, CancellationToken.None);
                await log.AppendAsync([Reading(3)], CancellationToken.None);
            }
            await using var reopened = new WriteAheadLog(directory, 1 << 20, 16, _ => { });
            var validator = new Supervision.Ingest.Validation.ReportValidator(TimeProvider.System, TimeSpan.FromDays(3650));
            var entries = new WalReplay(new Supervision.Ingest.Decoding.ReportDecoder(validator), _ => { }).Read(reopened.Open()).ToList();
            Assert.That(entries.Select(e => e.GetType().Name), Is.EqualTo(new[] { nameof(WalReports), nameof(WalCommand), nameof(WalReports) }));
            var first = (WalReports)entries[0];
            Assert.That((first.ReceivedAt, first.Reports.Select(r => r.ReportId)), Is.EqualTo((receivedAt, new[] { "r-1", "r-2" })));
            Assert.That(((WalReports)entries[2]).ReceivedAt, Is.Null, "appended without a batch record, as logs of earlier versions were");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Report Reading(int i) => new(
        $"r-{i}", EnterpriseId.Parse("91350100M000100Y43"), RegionCode.Parse("350102"), ReportKind.FoodColdChain,
        new DateTimeOffset(2026, 11, 27, 1, 0, 0, TimeSpan.Zero).AddMinutes(i), new ColdChainReading("F-1", FoodStorageClass.Frozen, -20 + (i % 7)));
}

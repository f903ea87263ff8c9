using Supervision.Ingest.Idempotency;

namespace Supervision.Ingest.Tests.Idempotency;

public class ReportIdIndexTests
{
    private static readonly DateTimeOffset Day0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private static bool[] Add(ReportIdIndex index, DateTimeOffset at, params string[] ids)
    {
        var keys = ids.Select(id => ReportIdIndex.Key("91350100M000100Y43", id)).ToArray();
        var added = new bool[keys.Length];
        index.TryAddAll(keys, at, added);
        return added;
    }

    [Test]
    public void TryAddAll_Resent_IsDuplicateAcrossBatchesAndWithinOne()
    {
        var index = new ReportIdIndex(TimeSpan.FromDays(7));
        Assert.That(Add(index, Day0, "a", "b", "a"), Is.EqualTo(new[] { true, true, false }));
        Assert.That(Add(index, Day0.AddDays(6), "b", "c"), Is.EqualTo(new[] { false, true }));
    }

    [Test]
    public void Key_SameReportIdOtherEnterprise_Differs()
    {
        Assert.That(ReportIdIndex.Key("91350100M000100Y43", "r-1"), Is.Not.EqualTo(ReportIdIndex.Key("91110000600037341L", "r-1")));
        Assert.That(ReportIdIndex.Key("91350100M000100Y43", "1r-"), Is.Not.EqualTo(ReportIdIndex.Key("91350100M000100Y431", "r-")));
    }

    [Test]
    public void TryAddAll_AfterRetention_ForgetsOldIds()
    {
        var index = new ReportIdIndex(TimeSpan.FromDays(7));
        Add(index, Day0, "a");
        Assert.That(Add(index, Day0.AddDays(7), "a"), Is.EqualTo(new[] { false }), "still within seven days");
        Assert.That(Add(index, Day0.AddDays(9), "a"), Is.EqualTo(new[] { true }), "first received nine days ago");
    }

    [Test]
    public void RemoveAll_ForgetsIdsThatWereNotMadeDurable()
    {
        var index = new ReportIdIndex(TimeSpan.FromDays(7));
        var keys = Enumerable.Range(0, 5000).Select(i => ReportIdIndex.Key("91350100M000100Y43", "r-" + i)).ToArray();
        var added = new bool[keys.Length];
        index.TryAddAll(keys, Day0, added);
        index.RemoveAll(keys.AsSpan(0, 2500), Day0);
        index.TryAddAll(keys, Day0, added);
        Assert.That(added.Count(a => a), Is.EqualTo(2500));
        Assert.That(added.Take(2500), Is.All.True);
        Assert.That(index.Count, Is.EqualTo(5000));
    }

    [Test]
    public void Bytes_MillionIds_StaysWithinTheDocumentedBound()
    {
        var index = new ReportIdIndex(TimeSpan.FromDays(7));
        var keys = new ulong[1_000_000];
        var random = new Random(3);
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = (ulong)random.NextInt64() | 1;
        }
        index.TryAddAll(keys, Day0, new bool[keys.Length]);
        Assert.That(index.Count, Is.EqualTo(1_000_000));
        Assert.That(index.Bytes, Is.LessThanOrEqualTo(21L * 1024 * 1024));
    }

    [Test]
    public void Seed_FromHistory_MakesResendsDuplicates()
    {
        var index = new ReportIdIndex(TimeSpan.FromDays(7));
        index.Seed(ReportIdIndex.Key("91350100M000100Y43", "a"), Day0, Day0.AddDays(1));
        Assert.That(Add(index, Day0.AddDays(1), "a", "b"), Is.EqualTo(new[] { false, true }));
    }
}

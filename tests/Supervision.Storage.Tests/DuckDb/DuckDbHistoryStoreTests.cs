using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Storage.DuckDb;

namespace Supervision.Storage.Tests.DuckDb;

[Category("Integration")]
public class DuckDbHistoryStoreTests
{
    private string _directory = null!;
    private DuckDbHistoryStore _store = null!;

    [SetUp]
    public async Task SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "supervision-duckdb-" + Guid.NewGuid().ToString("N"));
        _store = new DuckDbHistoryStore(Path.Combine(_directory, "history.duckdb"));
        await _store.InitializeAsync(CancellationToken.None);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task GradeChanges_RoundTrip_NewestFirst()
    {
        var at = new DateTimeOffset(2026, 11, 27, 1, 0, 0, TimeSpan.Zero);
        GradeChange[] changes =
        [
            new("91350100M000100Y43", "350102", Sector.Food, null, CreditGrade.B, 0.31, [new("excursionMinutes24h", 40, null, 0.12)], "risk@1", at),
            new("91350100M000100Y43", "350102", Sector.Food, CreditGrade.B, CreditGrade.D, 0.82, [new("excursionMinutes24h", 300, null, 0.4)], "risk@1", at.AddHours(2)),
            new("91110000600037341L", "110105", Sector.Equipment, null, CreditGrade.A, 0.05, [], "risk@1", at),
        ];
        await _store.AppendGradeChangesAsync(changes, CancellationToken.None);

        var read = await _store.QueryGradeChangesAsync("91350100M000100Y43", 10, CancellationToken.None);

        Assert.That(read, Has.Count.EqualTo(2));
        Assert.That(read[0] with { Reasons = [] }, Is.EqualTo(changes[1] with { Reasons = [] }));
        Assert.That(read[0].Reasons, Is.EqualTo(changes[1].Reasons));
        Assert.That(read[1].From, Is.Null);
    }

    [Test]
    public async Task GradeChanges_InjectionAttemptInId_MatchesNothing()
    {
        var read = await _store.QueryGradeChangesAsync("x' OR '1'='1", 10, CancellationToken.None);
        Assert.That(read, Is.Empty);
    }
}

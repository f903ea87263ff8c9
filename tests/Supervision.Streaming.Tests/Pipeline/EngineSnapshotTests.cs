using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Models;
using Supervision.Simulation.Feeds;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Snapshots;

namespace Supervision.Streaming.Tests.Pipeline;

/// <summary><see cref="SupervisionEngine.WriteSnapshot"/> and <see cref="SupervisionEngine.ReadSnapshot"/>: a restored engine carries on exactly.</summary>
public class EngineSnapshotTests
{
    private static readonly DateTimeOffset Begin = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    // Twelve hours of 60 simulated enterprises, a batch a minute with a tick between, as (batch, tick time) steps.
    private static List<(ReportBatch Batch, DateTimeOffset Tick)> Stream()
    {
        var generator = ReportGenerator.Create(60, 5);
        var steps = new List<(ReportBatch, DateTimeOffset)>();
        for (var m = 0; m < 12 * 60; m++)
        {
            var at = Begin.AddMinutes(m);
            var reports = new List<Report>();
            generator.Tick(at, TimeSpan.FromMinutes(1), reports);
            steps.Add((new ReportBatch([.. reports], at.AddSeconds(5)), at.AddSeconds(35)));
        }
        return steps;
    }

    private static SupervisionEngine NewEngine() => new(RuleSet.Default, SectorModels.Uniform(new FixedScorer(0.37)));

    private static void Run(SupervisionEngine engine, IEnumerable<(ReportBatch Batch, DateTimeOffset Tick)> steps, List<Alert> alerts, List<GradeChange> grades)
    {
        foreach (var (batch, tick) in steps)
        {
            engine.Process(batch, alerts, grades);
            engine.Advance(tick, alerts);
        }
    }

    [Test]
    public void ReadSnapshot_TakenMidStream_RestoredEngineGivesTheSameOutputsAsAnUninterruptedOne()
    {
        var steps = Stream();
        var straightAlerts = new List<Alert>();
        var straightGrades = new List<GradeChange>();
        Run(NewEngine(), steps, straightAlerts, straightGrades);

        var alerts = new List<Alert>();
        var grades = new List<GradeChange>();
        var first = NewEngine();
        Run(first, steps.Take(400), alerts, grades);
        using var snapshot = new MemoryStream();
        first.WriteSnapshot(snapshot, position: 4242);
        snapshot.Position = 0;
        var restored = NewEngine();
        Assert.That(restored.ReadSnapshot(snapshot), Is.EqualTo(4242));
        Run(restored, steps.Skip(400), alerts, grades);

        Assert.That(straightAlerts.Count, Is.GreaterThan(50), "the stream must exercise the rules");
        Assert.That(alerts, Is.EqualTo(straightAlerts).Using<Alert>(SameAlert));
        Assert.That(grades, Is.EqualTo(straightGrades).Using<GradeChange>(SameGrade));
    }

    [Test]
    public void ReadSnapshot_NotASnapshot_RefusedWithAMessage()
    {
        using var stream = new MemoryStream("hello, world, this is no snapshot"u8.ToArray());
        var error = Assert.Throws<SnapshotException>(() => NewEngine().ReadSnapshot(stream));
        Assert.That(error!.Message, Is.EqualTo("not an engine snapshot (its first bytes are not SUPVSNAP)"));
    }

    [Test]
    public void ReadSnapshot_OlderLayout_RefusedNamingBothVersions()
    {
        using var stream = new MemoryStream();
        NewEngine().WriteSnapshot(stream, 0);
        var bytes = stream.ToArray();
        BitConverter.TryWriteBytes(bytes.AsSpan(8), SupervisionEngine.SnapshotFormat - 1);
        var error = Assert.Throws<SnapshotException>(() => NewEngine().ReadSnapshot(new MemoryStream(bytes)));
        Assert.That(error!.Message, Is.EqualTo($"the snapshot has layout {SupervisionEngine.SnapshotFormat - 1}, written by an earlier version; this version reads layout {SupervisionEngine.SnapshotFormat}"));
    }

    [Test]
    public void ReadSnapshot_CutShort_Refused()
    {
        var engine = NewEngine();
        Run(engine, Stream().Take(30), [], []);
        using var stream = new MemoryStream();
        engine.WriteSnapshot(stream, 0);
        var error = Assert.Throws<SnapshotException>(() => NewEngine().ReadSnapshot(new MemoryStream(stream.ToArray()[..(int)(stream.Length / 2)])));
        Assert.That(error!.Message, Is.EqualTo("the snapshot is cut short"));
    }

    [Test]
    public void ReadSnapshot_RuleStateOfAnotherVersion_RefusedNamingTheRule()
    {
        var engine = new SupervisionEngine(RuleSet.Default, SectorModels.Uniform(new FixedScorer(0.1)), [new VersionedRule(1)]);
        using var stream = new MemoryStream();
        engine.WriteSnapshot(stream, 0);
        stream.Position = 0;
        var newer = new SupervisionEngine(RuleSet.Default, SectorModels.Uniform(new FixedScorer(0.1)), [new VersionedRule(2)]);
        var error = Assert.Throws<SnapshotException>(() => newer.ReadSnapshot(stream));
        Assert.That(error!.Message, Is.EqualTo("the snapshot holds state version 1 of rule 'versioned'; this version of the rule reads version 2"));
    }

    private sealed class VersionedRule(int version) : Rule
    {
        public override string Name => "versioned";

        public override IReadOnlyList<string> Ids => [];

        public override int StateVersion => version;
    }

    private static bool SameAlert(Alert a, Alert b) =>
        a with { Explanation = [] } == b with { Explanation = [] } && a.Explanation.SequenceEqual(b.Explanation);

    private static bool SameGrade(GradeChange a, GradeChange b) =>
        a with { Reasons = [] } == b with { Reasons = [] } && a.Reasons.SequenceEqual(b.Reasons);
}

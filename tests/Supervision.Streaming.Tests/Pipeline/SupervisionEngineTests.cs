using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Pipeline;

/// <summary>What the engine does for every rule: disorder policy, clock, features, snapshots, eviction.</summary>
public class SupervisionEngineTests : Rules.RuleFixture
{
    [Test]
    public void ColdChain_LateReading_DoesNotChangeState()
    {
        // A reading observed long ago arrives at minute 12, in range: it must not resolve the excursion.
        var readings = Enumerable.Range(0, 12).Select(m => ((double)m, (Func<DateTimeOffset, Report>)(at => ColdChain(at, -12))))
            .Append((12.5, at => ColdChain(at.AddMinutes(-30), -25)));
        Run(AtMinutes(Scheduler, readings));
        Assert.That(Changes.Select(a => a.Status), Is.EqualTo(new[] { AlertStatus.Open, AlertStatus.Open }));
    }

    [Test]
    public void Features_CountAdverseEventsAndFailedSamplings()
    {
        Feed(
            new Report("AE-1", Enterprise, Region, ReportKind.DrugAdverseEvent, Start, new DrugAdverseEvent("布洛芬缓释胶囊", "皮疹", false)),
            new Report("AE-2", Enterprise, Region, ReportKind.DrugAdverseEvent, Start.AddMinutes(1), new DrugAdverseEvent("布洛芬缓释胶囊", "过敏性休克", true)),
            Residue(2, "韭菜", "腐霉利", 0.5),
            Residue(3, "韭菜", "腐霉利", 0.1));
        var features = new float[RiskFeatures.Count];
        Assert.That(Engine.TryGetFeatures(Enterprise, Start.AddMinutes(3), features), Is.True);
        Assert.That(features[RiskFeatures.AdverseEvents24h], Is.EqualTo(3), "a serious reaction counts twice");
        Assert.That(features[RiskFeatures.FailedSamplings24h], Is.EqualTo(1));
        Assert.That(features[RiskFeatures.Readings24h], Is.EqualTo(4));
        Assert.That(features[RiskFeatures.OverLimitShare24h], Is.EqualTo(0.25f));
        Assert.That(Engine.TryGetFeatures(Enterprise, Start.AddHours(25), features), Is.True);
        Assert.That(features[RiskFeatures.AdverseEvents24h] + features[RiskFeatures.FailedSamplings24h], Is.Zero, "a day later the window is empty");
    }
}

/// <summary>The engine's disorder policies, eviction and rule reloads.</summary>
public class EngineTimeAndStateTests
{
    private static SupervisionEngine Engine(Action<RuleOptions>? configure = null)
    {
        var options = new RuleOptions();
        configure?.Invoke(options);
        return new SupervisionEngine(RuleSet.Load(options), Scoring.Models.SectorModels.Uniform(new FixedScorer(0.42)));
    }

    [Test]
    public void Process_DropPolicy_LateReadingCountedNotJudged()
    {
        var engine = Engine();
        var changes = new List<Alert>();
        Feed(engine, changes, ColdChain(Start.AddMinutes(5), -21), ColdChain(Start.AddMinutes(3), 10));
        Assert.That(changes, Is.Empty);
        Assert.That((engine.Counters.LateReports(ReportKind.FoodColdChain), engine.Counters.Reports(ReportKind.FoodColdChain)), Is.EqualTo((1L, 1L)));
    }

    [Test]
    public void Process_AdjustPolicy_LateSampleJudgedAtTheAllowedTime()
    {
        var engine = Engine(o => { o.DisorderPolicy = "adjust"; o.Lateness = TimeSpan.FromMinutes(1); });
        var changes = new List<Alert>();
        Feed(engine, changes, Residue(10, "韭菜", "腐霉利", 0.1), Residue(2, "韭菜", "腐霉利", 0.5));
        var alert = changes.Single();
        Assert.That(alert.FirstSeen, Is.EqualTo(Start.AddMinutes(9)), "judged as if observed at the frontier minus the lateness");
        Assert.That(engine.Counters.LateReports(ReportKind.AgriResidue), Is.EqualTo(1));
    }

    [Test]
    public void Advance_SubjectIdleLongerThanTheHorizon_EvictedUnlessAnAlertIsOpen()
    {
        var engine = Engine();
        var changes = new List<Alert>();
        Feed(engine, changes, ColdChain(Start, -21, device: "F-1"), Residue(0, "韭菜", "腐霉利", 0.5));
        Assert.That(Count(engine, "subjects:food.coldchain"), Is.EqualTo(1));
        engine.Advance(Start.AddDays(9), changes);
        Assert.That(Count(engine, "subjects:food.coldchain"), Is.Zero, "idle for 9 days");
        Assert.That(Count(engine, "subjects:agri.residue"), Is.EqualTo(1), "its alert is still open");
    }

    [Test]
    public void Reload_NewOptions_TakeEffectAndAlertsCarryTheNewVersion()
    {
        var engine = Engine();
        var changes = new List<Alert>();
        Feed(engine, changes, Residue(0, "韭菜", "腐霉利", 0.15));
        var before = engine.RuleSet.Version;
        Assert.That(changes, Is.Empty);
        var stricter = RuleSet.Load(new RuleOptions { ResidueLimitsFile = WriteLimits("pesticide,food,mrlMgKg\n腐霉利,韭菜,0.1\n") });
        engine.Reload(stricter);
        Feed(engine, changes, Residue(1, "韭菜", "腐霉利", 0.15));
        Assert.That(changes.Single().RuleVersion, Is.EqualTo(stricter.Version));
        Assert.That(stricter.Version, Is.Not.EqualTo(before).And.StartsWith("rules@"));
    }

    [Test]
    public void Process_EnterpriseReportingFromAnotherRegion_AlertCarriesTheRegionOfItsReport()
    {
        var engine = Engine();
        var changes = new List<Alert>();
        var elsewhere = Supervision.Domain.Identifiers.RegionCode.Parse("350104");
        Feed(engine, changes, ColdChain(Start, -21, device: "F-1"));
        Feed(engine, changes, Residue(1, "韭菜", "腐霉利", 0.5) with { Region = elsewhere });
        Assert.That(changes.Single().Region, Is.EqualTo("350104"));
    }

    [Test]
    public void RuleSetVersion_SameOptionsAndData_SameVersion() =>
        Assert.That(RuleSet.Load(new RuleOptions()).Version, Is.EqualTo(RuleSet.Default.Version));

    private static long Count(SupervisionEngine engine, string state) => engine.StateSizes().Single(s => s.State == state).Entries;

    private static string WriteLimits(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), "limits-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, text);
        return path;
    }
}

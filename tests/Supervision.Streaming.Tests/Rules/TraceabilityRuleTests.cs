using Supervision.Domain.Alerts;
using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;
using Supervision.Streaming.Rules;
using static Supervision.Streaming.Tests.Pipeline.ReadingStreams;

namespace Supervision.Streaming.Tests.Rules;

/// <summary><see cref="Streaming.Rules.Traceability.TraceabilityRule"/>: chains of agri.origin links across enterprises.</summary>
public class TraceabilityRuleTests : RuleFixture
{
    private static readonly EnterpriseId Grower = EnterpriseId.Parse("91350100M000100Y43");
    private static readonly EnterpriseId Wholesaler = EnterpriseId.Parse("91110000600037341L");
    private static readonly EnterpriseId Market = EnterpriseId.Parse("91350102MA2XYA0K10");
    private static readonly RegionCode Origin = RegionCode.Parse("350121");

    private static Report Link(EnterpriseId holder, double hours, double kg, EnterpriseId? from = null, string origin = "350121") =>
        new($"O-{holder.Value[^4..]}-{hours}", holder, Region, ReportKind.AgriOrigin, Start.AddHours(hours),
            new AgriOrigin("T-2026-001", "乌龙茶", RegionCode.Parse(origin), kg, from?.Value ?? ""));

    [Test]
    public void Apply_ConsistentChain_NoAlert()
    {
        Feed(Link(Grower, 0, 500), Link(Wholesaler, 5, 300, Grower));
        Assert.That(Changes, Is.Empty);
    }

    [Test]
    public void Apply_OriginChangedDownTheChain_IsCritical()
    {
        Feed(Link(Grower, 0, 500), Link(Wholesaler, 5, 300, Grower, origin: "530100"));
        var alert = Changes.Single();
        Assert.That((alert.RuleId, alert.Severity, alert.EnterpriseId), Is.EqualTo((RuleIds.TraceOrigin, Severity.Critical, Wholesaler.Value)));
        Assert.That(alert.Summary, Is.EqualTo("lot T-2026-001 (乌龙茶) reported with origin 530100, but its chain began with origin 350121"));
    }

    [Test]
    public void Apply_MorePassedOnThanReceived_IsCriticalAgainstThePredecessor()
    {
        Feed(Link(Grower, 0, 300), Link(Wholesaler, 5, 350, Grower));
        var alert = Changes.Single();
        Assert.That((alert.RuleId, alert.EnterpriseId), Is.EqualTo((RuleIds.TraceQuantity, Grower.Value)));
        Assert.That(alert.Summary, Is.EqualTo($"lot T-2026-001 (乌龙茶): 350 kg passed on from {Grower.Value}, which received 300 kg"));
    }

    [Test]
    public void Apply_QuantityWithinTolerance_NoAlert()
    {
        Feed(Link(Grower, 0, 300), Link(Wholesaler, 5, 302, Grower));
        Assert.That(Changes, Is.Empty, "1 % weighing tolerance");
    }

    [Test]
    public void Advance_PredecessorNeverReports_BreakAfterTheGrace()
    {
        Feed(Link(Wholesaler, 0, 300, Grower));
        Engine.Advance(Start.AddHours(23), Changes);
        Assert.That(Changes, Is.Empty, "links may arrive out of order: 24 h of grace");
        Engine.Advance(Start.AddHours(25), Changes);
        var alert = Changes.Single();
        Assert.That((alert.RuleId, alert.Severity, alert.EnterpriseId), Is.EqualTo((RuleIds.TraceBreak, Severity.Warning, Wholesaler.Value)));
        Assert.That(alert.Summary, Is.EqualTo($"lot T-2026-001 (乌龙茶): received from {Grower.Value}, which has not reported the lot; the chain is broken"));

        Feed(Link(Grower, 26, 300));
        Assert.That(Changes[^1].Status, Is.EqualTo(AlertStatus.Resolved), "the predecessor's report mends the chain");
    }

    [Test]
    public void Apply_PredecessorArrivesLateWithinTheGrace_NoAlert()
    {
        Feed(Link(Wholesaler, 0, 300, Grower), Link(Grower, 2, 500));
        Engine.Advance(Start.AddDays(3), Changes);
        Assert.That(Changes, Is.Empty);
    }

    [Test]
    public void Apply_LateLinkPushesTheTotalOverWhatWasReceived_Alerts()
    {
        Feed(Link(Grower, 0, 500), Link(Wholesaler, 1, 300, Grower), Link(Market, 2, 250, Grower));
        Assert.That(Changes.Single().RuleId, Is.EqualTo(RuleIds.TraceQuantity));
    }
}

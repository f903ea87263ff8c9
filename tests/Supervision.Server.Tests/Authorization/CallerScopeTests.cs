using System.Security.Claims;
using Supervision.Domain.Reports;
using Supervision.Identity;
using Supervision.Server.Authorization;
using Supervision.Storage.Queries;

namespace Supervision.Server.Tests.Authorization;

public class CallerScopeTests
{
    private static CallerScope Caller(string role, string? jurisdiction = null, string? enterprise = null, params string[] sectors)
    {
        var claims = new List<Claim> { new(Access.Claims.Subject, "li"), new(Access.Claims.Role, role) };
        if (jurisdiction is not null)
        {
            claims.Add(new Claim(Access.Claims.Jurisdiction, jurisdiction));
        }
        if (enterprise is not null)
        {
            claims.Add(new Claim(Access.Claims.Enterprise, enterprise));
        }
        claims.AddRange(sectors.Select(s => new Claim(Access.Claims.Sector, s)));
        return CallerScope.From(new ClaimsPrincipal(new ClaimsIdentity(claims, "test", Access.Claims.Subject, Access.Claims.Role)));
    }

    [TestCase("3501", "350102", true)]
    [TestCase("3501", "3501", true)]
    [TestCase("3501", "35", false)]
    [TestCase("3501", "", false)]
    [TestCase("3501", "110105", false)]
    [TestCase("", "110105", true)]
    [TestCase("", "", true)]
    public void CoversRegion_InspectorOfJurisdiction_OnlyInsideIt(string jurisdiction, string region, bool covered)
    {
        Assert.That(Caller(Access.Roles.Inspector, jurisdiction).CoversRegion(region), Is.EqualTo(covered));
    }

    [Test]
    public void CoversRegion_NoJurisdictionClaim_CoversNothing()
    {
        Assert.That(Caller(Access.Roles.Inspector).CoversRegion("350102"), Is.False);
        Assert.That(Caller(Access.Roles.Admin).CoversRegion(""), Is.False);
    }

    [Test]
    public void Covers_EnterpriseCaller_OnlyItsOwnObjects()
    {
        var caller = Caller(Access.Roles.Enterprise, enterprise: "91350100M000100Y43");
        Assert.That(caller.Covers(new ObjectPlace("91350100M000100Y43", "350102", Sector.Food)), Is.True);
        Assert.That(caller.Covers(new ObjectPlace("91110000600037341L", "350102", Sector.Food)), Is.False);
    }

    [Test]
    public void Covers_SectorBoundAgency_OnlyItsSectors()
    {
        var caller = Caller(Access.Roles.Agency, "35", null, "food");
        Assert.That(caller.Covers(new ObjectPlace("91350100M000100Y43", "350102", Sector.Food)), Is.True);
        Assert.That(caller.Covers(new ObjectPlace("91350100M000100Y43", "350102", Sector.Drug)), Is.False);
        Assert.That(caller.Covers(new ObjectPlace("91350100M000100Y43", "110105", Sector.Food)), Is.False);
    }

    [Test]
    public void Narrow_NoRegionAsked_JurisdictionAndSectors()
    {
        var scope = Caller(Access.Roles.Analyst, "35", null, "food", "drug").Narrow(new Scope(null, "", null));
        Assert.That((scope.EnterpriseId, scope.RegionPrefix, scope.Sector), Is.EqualTo(((string?)null, "35", (Sector?)null)));
        Assert.That(scope.Sectors, Is.EqualTo(new[] { Sector.Food, Sector.Drug }));
    }

    [Test]
    public void Narrow_EnterpriseCaller_HeldToItsEnterprise()
    {
        var scope = Caller(Access.Roles.Enterprise, enterprise: "91350100M000100Y43").Narrow(new Scope("91110000600037341L", "", null));
        Assert.That((scope.EnterpriseId, scope.RegionPrefix), Is.EqualTo(("91350100M000100Y43", "")));
    }

    [Test]
    public void Narrow_CallerWithoutScope_ThrowsRatherThanEverything()
    {
        Assert.Throws<InvalidOperationException>(() => Caller(Access.Roles.Admin).Narrow(Scope.Everywhere));
    }

    [TestCase(Access.Roles.Supervisor, false)]
    [TestCase(Access.Roles.Inspector, true)]
    [TestCase(Access.Roles.Analyst, true)]
    [TestCase(Access.Roles.Agency, true)]
    [TestCase(Access.Roles.Enterprise, true)]
    public void Masked_OnlySupervisorsSeePersonalData(string role, bool masked)
    {
        Assert.That(Caller(role, "35").Masked, Is.EqualTo(masked));
    }

    [Test]
    public void From_NoUser_IsAnonymousPublic()
    {
        Assert.That(CallerScope.From(new ClaimsPrincipal(new ClaimsIdentity())), Is.EqualTo(CallerScope.Anonymous));
        Assert.That(CallerScope.Anonymous.Role, Is.EqualTo(Access.Roles.Public));
    }
}

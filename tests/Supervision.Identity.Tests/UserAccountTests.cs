using Supervision.Domain.Reports;

namespace Supervision.Identity.Tests;

public class UserAccountTests
{
    private static UserAccount Account(string role, string? jurisdiction = null, string? enterprise = null, string? purpose = null, params Sector[] sectors) =>
        new() { Name = "someone", Role = role, Jurisdiction = jurisdiction, Enterprise = enterprise, Purpose = purpose, Sectors = sectors, PasswordHash = "x" };

    [TestCase(Access.Roles.Inspector, "3501", null, null)]
    [TestCase(Access.Roles.Supervisor, "", null, null)]
    [TestCase(Access.Roles.Admin, null, null, null)]
    [TestCase(Access.Roles.Enterprise, null, "91350100M000100Y43", null)]
    [TestCase(Access.Roles.Agency, "35", null, "food safety joint sampling")]
    public void Validate_WellFormedAccount_IsNull(string role, string? jurisdiction, string? enterprise, string? purpose)
    {
        Assert.That(Account(role, jurisdiction, enterprise, purpose).Validate(), Is.Null);
    }

    [TestCase(Access.Roles.Inspector, null, null, null, "role inspector needs a jurisdiction (a division prefix of 2, 4 or 6 digits, or empty for the whole country)")]
    [TestCase(Access.Roles.Analyst, "350", null, null, "jurisdiction '350' must be 2, 4 or 6 digits (province, city or county)")]
    [TestCase(Access.Roles.Admin, "35", null, null, "role admin takes no jurisdiction or sectors")]
    [TestCase(Access.Roles.Enterprise, null, null, null, "role enterprise needs an enterprise (USCC)")]
    [TestCase(Access.Roles.Enterprise, null, "91350100M000100Y44", null, "enterprise '91350100M000100Y44' check character is '4', expected '3'")]
    [TestCase(Access.Roles.Agency, "35", null, null, "role agency needs a declared purpose of 1 to 200 characters")]
    [TestCase(Access.Roles.Inspector, "35", null, "curiosity", "role inspector takes no purpose")]
    [TestCase("root", null, null, null, "role 'root' must be one of inspector, analyst, supervisor, admin, enterprise, agency")]
    public void Validate_BadAccount_NamesTheField(string role, string? jurisdiction, string? enterprise, string? purpose, string expected)
    {
        Assert.That(Account(role, jurisdiction, enterprise, purpose).Validate(), Is.EqualTo(expected));
    }

    [Test]
    public void Validate_RepeatedSector_IsRefused()
    {
        Assert.That(Account(Access.Roles.Inspector, "35", null, null, Sector.Food, Sector.Food).Validate(), Is.EqualTo("sectors must not repeat"));
    }

    [TestCase("a b")]
    [TestCase("")]
    [TestCase("名字")]
    public void Validate_BadName_IsRefused(string name)
    {
        Assert.That((Account(Access.Roles.Admin) with { Name = name }).Validate(), Does.StartWith($"name '{name}' must be"));
    }

    [Test]
    public void Grants_JurisdictionChanged_Differs()
    {
        var before = Account(Access.Roles.Inspector, "3501");
        Assert.That((before with { Jurisdiction = "35" }).Grants(), Is.Not.EqualTo(before.Grants()));
        Assert.That((before with { PasswordHash = "y" }).Grants(), Is.EqualTo(before.Grants()), "a new password alone does not end sessions");
    }
}

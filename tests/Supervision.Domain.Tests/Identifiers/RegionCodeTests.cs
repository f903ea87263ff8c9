using Supervision.Domain.Identifiers;

namespace Supervision.Domain.Tests.Identifiers;

public class RegionCodeTests
{
    [TestCase("350100", "3501", true)]
    [TestCase("350199", "3501", true)]
    [TestCase("350203", "3501", false)]
    [TestCase("350203", "35", true)]
    [TestCase("110000", "", true)]
    [TestCase("350100", "350100", true)]
    [TestCase("350101", "350100", false)]
    public void IsWithin_JurisdictionPrefix_MatchesByPrefix(string code, string prefix, bool expected)
    {
        Assert.That(RegionCode.Parse(code).IsWithin(prefix), Is.EqualTo(expected));
    }

    [TestCase("35010", "must be six digits, got 5 characters")]
    [TestCase("35010A", "must be six digits, found 'A'")]
    [TestCase("990000", "province '99' is not a GB/T 2260 province code")]
    public void TryParse_Invalid_SaysWhy(string code, string message)
    {
        Assert.That(RegionCode.TryParse(code, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo(message));
    }

    [Test]
    public void ToString_KeepsSixDigits()
    {
        Assert.That(RegionCode.Parse("110101").ToString(), Is.EqualTo("110101"));
    }

    [TestCase("", null)]
    [TestCase("35", null)]
    [TestCase("3501", null)]
    [TestCase("350100", null)]
    [TestCase("350", "must be 2, 4 or 6 digits (province, city or county)")]
    [TestCase("35a1", "must be digits, found 'a'")]
    public void ValidateJurisdiction_Shapes(string prefix, string? error)
    {
        Assert.That(RegionCode.ValidateJurisdiction(prefix), Is.EqualTo(error));
    }
}

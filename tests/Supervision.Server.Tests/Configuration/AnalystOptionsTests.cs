using System.Security.Cryptography;
using System.Text;
using Supervision.Server.Analysts;

namespace Supervision.Server.Tests.Configuration;

public class AnalystOptionsTests
{
    private static IEnumerable<string> Problems(AnalystKey key) => new AnalystOptions { Keys = [key] }.Validate();

    [Test]
    public void Validate_KeyOrDigest_Valid()
    {
        Assert.That(Problems(new AnalystKey { Name = "a", Key = "0123456789abcdef" }), Is.Empty);
        Assert.That(Problems(new AnalystKey { Name = "a", KeySha256 = new string('A', 64) }), Is.Empty);
    }

    [Test]
    public void Validate_BothOrNeither_NamesTheKey()
    {
        Assert.That(Problems(new AnalystKey { Name = "a" }), Is.EqualTo(new[] { "Analysts:Keys:0 needs exactly one of Key and KeySha256" }));
        Assert.That(Problems(new AnalystKey { Name = "a", Key = "0123456789abcdef", KeySha256 = new string('a', 64) }), Is.EqualTo(new[] { "Analysts:Keys:0 needs exactly one of Key and KeySha256" }));
    }

    [TestCase("abc")]
    [TestCase("zz00000000000000000000000000000000000000000000000000000000000000")]
    public void Validate_BadDigest_NamesTheKey(string digest) =>
        Assert.That(Problems(new AnalystKey { Name = "a", KeySha256 = digest }), Is.EqualTo(new[] { "Analysts:Keys:0:KeySha256 must be 64 hexadecimal digits (the SHA-256 of the key)" }));

    [Test]
    public void Digest_OfPlainKey_EqualsTheConfiguredDigest()
    {
        var key = "supervisor-key-0123456789";
        var hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        Assert.That(new AnalystKey { KeySha256 = hex }.Digest(), Is.EqualTo(new AnalystKey { Key = key }.Digest()));
    }
}

namespace Supervision.Identity.Tests;

public class PasswordsTests
{
    [Test]
    public void Verify_SamePassword_IsTrue()
    {
        var hash = Passwords.Hash("correct horse battery");
        Assert.That(Passwords.Verify(hash, "correct horse battery"), Is.True);
    }

    [Test]
    public void Verify_OtherPassword_IsFalse()
    {
        var hash = Passwords.Hash("correct horse battery");
        Assert.That(Passwords.Verify(hash, "correct horse batterz"), Is.False);
    }

    [Test]
    public void Hash_SamePasswordTwice_SaltedDifferently()
    {
        Assert.That(Passwords.Hash("same password here"), Is.Not.EqualTo(Passwords.Hash("same password here")));
    }

    [TestCase("")]
    [TestCase("not base64 !")]
    [TestCase("AQAAAA==")]
    public void Verify_MalformedHash_IsFalse(string hash)
    {
        Assert.That(Passwords.Verify(hash, "anything"), Is.False);
    }

    [Test]
    public void Hash_Format_IsIdentityV3WithPbkdf2Sha512And100000Iterations()
    {
        var bytes = Convert.FromBase64String(Passwords.Hash("p"));
        Assert.That(bytes[0], Is.EqualTo(0x01), "format marker of version 3");
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)), Is.EqualTo(2u), "HMAC-SHA512");
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)), Is.EqualTo(100_000u), "iterations");
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(9)), Is.EqualTo(16u), "salt bytes");
    }

    [Test]
    public void VerifyNobody_AnyPassword_IsFalse()
    {
        Assert.That(Passwords.VerifyNobody("whatever"), Is.False);
    }

    [Test]
    public void Generate_TwoPasswords_LongAndDifferent()
    {
        var a = Passwords.Generate();
        Assert.That(a, Has.Length.EqualTo(20));
        Assert.That(Passwords.Generate(), Is.Not.EqualTo(a));
    }
}

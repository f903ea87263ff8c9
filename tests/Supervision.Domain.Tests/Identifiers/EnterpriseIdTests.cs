using Supervision.Domain.Identifiers;

namespace Supervision.Domain.Tests.Identifiers;

public class EnterpriseIdTests
{
    [TestCase("91350100M000100Y43")]
    [TestCase("91110000600037341L")]
    public void TryParse_DomainExamples_AreValid(string code)
    {
        Assert.That(EnterpriseId.TryParse(code, out var id, out var error), Is.True, error);
        Assert.That(id.Value, Is.EqualTo(code));
    }

    [Test]
    public void TryParse_WrongCheckDigit_NamesExpectedCharacter()
    {
        Assert.That(EnterpriseId.TryParse("91350100M000100Y44", out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo("check character is '4', expected '3'"));
    }

    [TestCase("91350100M000100I43", 'I', 16)]
    [TestCase("91350100O000100Y43", 'O', 9)]
    [TestCase("91350100M00010SY43", 'S', 15)]
    [TestCase("9135010zM000100Y43", 'z', 8)]
    public void TryParse_ForbiddenCharacter_NamesCharacterAndPosition(string code, char bad, int position)
    {
        Assert.That(EnterpriseId.TryParse(code, out _, out var error), Is.False);
        Assert.That(error, Does.StartWith($"character '{bad}' at position {position} is not allowed"));
    }

    [TestCase("", 0)]
    [TestCase("91350100M000100Y4", 17)]
    [TestCase("91350100M000100Y433", 19)]
    public void TryParse_WrongLength_SaysLength(string code, int length)
    {
        Assert.That(EnterpriseId.TryParse(code, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo($"must be 18 characters, got {length}"));
    }

    [Test]
    public void TryParse_Null_IsInvalid()
    {
        Assert.That(EnterpriseId.TryParse(null, out _, out _), Is.False);
    }

    [Test]
    public void CheckCharacter_RemainderZero_MapsToZero()
    {
        // Find a prefix whose weighted sum is a multiple of 31: then C = 31, which maps to '0'.
        var prefix = "9135010000000000".ToCharArray();
        foreach (var c in EnterpriseId.Alphabet)
        {
            var candidate = new string(prefix) + c;
            var sum = 0;
            int[] weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
            for (var i = 0; i < 17; i++)
            {
                sum += EnterpriseId.Alphabet.IndexOf(candidate[i]) * weights[i];
            }
            if (sum % 31 == 0)
            {
                Assert.That(EnterpriseId.CheckCharacter(candidate), Is.EqualTo('0'));
                return;
            }
        }
        Assert.Fail("no prefix with a zero remainder among the tried ones");
    }
}

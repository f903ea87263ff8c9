using Microsoft.Extensions.Time.Testing;
using Supervision.Server.Authentication;

namespace Supervision.Server.Tests.Authentication;

public class SignInLockoutTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    [Test]
    public void Fail_ThirdFailure_LocksForTheDuration()
    {
        var lockout = new SignInLockout(_clock, 3, TimeSpan.FromMinutes(5));
        Assert.That(lockout.Fail("li"), Is.Null);
        Assert.That(lockout.Fail("LI"), Is.Null, "names compare without case");
        Assert.That(lockout.Fail("li"), Is.EqualTo(TimeSpan.FromMinutes(5)));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.That(lockout.LockedFor("li"), Is.EqualTo(TimeSpan.FromMinutes(3)));
    }

    [Test]
    public void LockedFor_AfterTheDuration_Unlocked()
    {
        var lockout = new SignInLockout(_clock, 1, TimeSpan.FromMinutes(5));
        lockout.Fail("li");
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.That(lockout.LockedFor("li"), Is.Null);
    }

    [Test]
    public void Fail_FailuresFurtherApartThanTheDuration_DoNotAddUp()
    {
        var lockout = new SignInLockout(_clock, 2, TimeSpan.FromMinutes(5));
        lockout.Fail("li");
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.That(lockout.Fail("li"), Is.Null);
    }

    [Test]
    public void Succeed_ForgetsFailures()
    {
        var lockout = new SignInLockout(_clock, 2, TimeSpan.FromMinutes(5));
        lockout.Fail("li");
        lockout.Succeed("li");
        Assert.That(lockout.Fail("li"), Is.Null);
    }
}

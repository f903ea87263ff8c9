using Supervision.Streaming.Pipeline;

namespace Supervision.Streaming.Tests.Pipeline;

/// <summary><see cref="EngineClock"/>: time moved only by inputs.</summary>
public class EngineClockTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public void Advance_StepLongerThanMaxStep_UptimeCountsOnlyMaxStep()
    {
        var clock = new EngineClock(TimeSpan.FromMinutes(2));
        clock.Advance(T0);
        clock.Advance(T0.AddMinutes(1));
        clock.Advance(T0.AddHours(5));
        Assert.That(TimeSpan.FromTicks(clock.Uptime), Is.EqualTo(TimeSpan.FromMinutes(3)));
        Assert.That(clock.Processing, Is.EqualTo(T0.AddHours(5).UtcTicks));
    }

    [Test]
    public void Advance_Backwards_Ignored()
    {
        var clock = new EngineClock(TimeSpan.FromMinutes(2));
        clock.Advance(T0);
        clock.Advance(T0.AddMinutes(-5));
        Assert.That((clock.Processing, clock.Uptime), Is.EqualTo((T0.UtcTicks, 0L)));
    }

    [Test]
    public void EventNow_NoNewerReports_CarriedForwardAtProcessingPace()
    {
        var clock = new EngineClock(TimeSpan.FromMinutes(2));
        clock.Advance(T0);
        clock.Observed(T0.AddHours(-6).UtcTicks);
        clock.Advance(T0.AddMinutes(30));
        Assert.That(clock.EventNowTime, Is.EqualTo(T0.AddHours(-6).AddMinutes(30)), "a replay of old history keeps its own dates");
        clock.Observed(T0.AddHours(-6).AddMinutes(10).UtcTicks);
        Assert.That(clock.EventNowTime, Is.EqualTo(T0.AddHours(-6).AddMinutes(30)), "never goes back");
    }
}

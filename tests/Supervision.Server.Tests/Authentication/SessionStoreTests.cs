using Microsoft.Extensions.Time.Testing;
using Supervision.Identity;
using Supervision.Server.Authentication;

namespace Supervision.Server.Tests.Authentication;

public class SessionStoreTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private static readonly UserAccount Li = new() { Name = "li", Role = Access.Roles.Analyst, Jurisdiction = "35", PasswordHash = "h" };

    [Test]
    public void Refresh_CurrentToken_NewTokenSameSession()
    {
        var store = new SessionStore(_clock, TimeSpan.FromHours(1));
        var (session, refresh) = store.Start(Li);

        var (outcome, same, next) = store.Refresh(refresh);

        Assert.That((outcome, same!.Id), Is.EqualTo((SessionStore.RefreshOutcome.Refreshed, session.Id)));
        Assert.That(next, Is.Not.EqualTo(refresh).And.StartWith("rt_"));
    }

    [Test]
    public void Refresh_UsedToken_EndsSessionAndRaisesEnded()
    {
        var store = new SessionStore(_clock, TimeSpan.FromHours(1));
        var (session, refresh) = store.Start(Li);
        var ended = new List<string>();
        store.Ended += s => ended.Add(s.Id);
        var (_, _, next) = store.Refresh(refresh);

        Assert.That(store.Refresh(refresh).Outcome, Is.EqualTo(SessionStore.RefreshOutcome.Reused));
        Assert.That(store.Find(session.Id), Is.Null);
        Assert.That(store.Refresh(next!).Outcome, Is.EqualTo(SessionStore.RefreshOutcome.Unknown), "the newer token ended with its session");
        Assert.That(ended, Is.EqualTo(new[] { session.Id }));
    }

    [Test]
    public void Find_AfterLifetime_NoSessionAndRefreshExpired()
    {
        var store = new SessionStore(_clock, TimeSpan.FromHours(1));
        var (session, refresh) = store.Start(Li);
        _clock.Advance(TimeSpan.FromHours(1));

        Assert.That(store.Find(session.Id), Is.Null);
        Assert.That(store.Refresh(refresh).Outcome, Is.EqualTo(SessionStore.RefreshOutcome.Expired));
    }

    [Test]
    public void EndAllOf_User_EndsEachOfItsSessionsOnly()
    {
        var store = new SessionStore(_clock, TimeSpan.FromHours(1));
        var (a, _) = store.Start(Li);
        var (b, _) = store.Start(Li);
        var (other, _) = store.Start(Li with { Name = "wang" });

        Assert.That(store.EndAllOf("LI"), Is.EqualTo(2));
        Assert.That((store.Find(a.Id), store.Find(b.Id), store.Find(other.Id)?.User), Is.EqualTo(((SessionStore.Session?)null, (SessionStore.Session?)null, "wang")));
    }
}

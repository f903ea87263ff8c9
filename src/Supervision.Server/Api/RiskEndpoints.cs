using Supervision.Server.Analysts;
using Supervision.Server.Authorization;
using Supervision.Server.Grades;
using Supervision.Storage.History;
using Supervision.Storage.Protection;
using Supervision.Storage.Queries;

namespace Supervision.Server.Api;

/// <summary>Analyst queries over history, under <c>/api/v1/risk/</c>; see README "Analyst queries".</summary>
public static class RiskEndpoints
{
    private static readonly TimeSpan DefaultSpan = TimeSpan.FromDays(7);
    private static readonly TimeSpan MaxSpan = TimeSpan.FromDays(400);

    public static IEndpointRouteBuilder MapRiskEndpoints(this IEndpointRouteBuilder app)
    {
        // Every query is held to the caller's jurisdiction and sectors: a region or sector outside is 403, an
        // enterprise outside is 404 (as one never seen), and queries without them cover the caller's scope.
        var risk = app.MapGroup("/api/v1/risk");
        var queries = risk.MapGroup("")
            .RequireAuthorization(Policies.QueryRisk)
            .RequireRegionInScope()
            .RequireObjectInScope<EnterpriseLocator>("enterprise");
        queries.MapGet("/trend", (HttpContext http, IHistoryStore store, TimeProvider clock) => AnalystResponses.RunAsync(http, (p, caller) =>
        {
            var scope = caller.Narrow(new Scope(p.Enterprise(), p.Region(), p.Sector()));
            var (from, to) = p.Period(clock.GetUtcNow(), DefaultSpan, MaxSpan);
            var bucket = p.Bucket();
            if (p.Errors.Count == 0 && bucket == TimeBucket.Hour && to - from > TimeSpan.FromDays(31))
            {
                p.Errors["bucket"] = ["'hour' covers at most 31 days; use day or week for longer periods"];
            }
            return c => store.QueryTrendAsync(new TrendQuery(scope, from, to, bucket), c);
        }, ArrowResults.Trend, rows => new { items = rows }));

        queries.MapGet("/top", (HttpContext http, IHistoryStore store, TimeProvider clock) =>
        {
            int offset = 0, limit = 0;
            return AnalystResponses.RunAsync(http, (p, caller) =>
            {
                var scope = caller.Narrow(new Scope(null, p.Region(), p.Sector()));
                var (from, to) = p.Period(clock.GetUtcNow(), DefaultSpan, MaxSpan);
                limit = p.Int("limit", 20, 1, 1000);
                offset = p.Int("offset", 0, 0, 1_000_000);
                return c => store.QueryTopRiskAsync(new TopRiskQuery(scope, from, to, limit, offset), c);
            }, ArrowResults.TopRisk, rows => AnalystResponses.Page(rows, offset, limit));
        });

        queries.MapGet("/heat", (HttpContext http, IHistoryStore store, TimeProvider clock) => AnalystResponses.RunAsync(http, (p, caller) =>
        {
            var region = p.Region();
            var (from, to) = p.Period(clock.GetUtcNow(), DefaultSpan, MaxSpan);
            var digits = p.Digits();
            return c => store.QueryHeatAsync(new HeatQuery(caller.Region(region), from, to, digits) { Sectors = caller.Sectors }, c);
        }, ArrowResults.Heat, rows => new { items = rows }));

        queries.MapGet("/alert-statistics", (HttpContext http, IHistoryStore store, TimeProvider clock) => AnalystResponses.RunAsync(http, (p, caller) =>
        {
            var scope = caller.Narrow(new Scope(p.Enterprise(), p.Region(), p.Sector()));
            var (from, to) = p.Period(clock.GetUtcNow(), DefaultSpan, MaxSpan);
            return async c => (IReadOnlyList<AlertStatistics>)[await store.QueryAlertStatisticsAsync(new AlertStatisticsQuery(scope, from, to), c)];
        }, ArrowResults.AlertStatistics, rows => rows[0]));

        queries.MapGet("/timeline", (HttpContext http, IHistoryStore store, TimeProvider clock) =>
        {
            int offset = 0, limit = 0;
            return AnalystResponses.RunAsync(http, (p, caller) =>
            {
                var enterprise = p.Enterprise(required: true);
                var (from, to) = p.Period(clock.GetUtcNow(), TimeSpan.FromDays(30), MaxSpan);
                limit = p.Int("limit", 100, 1, 1000);
                offset = p.Int("offset", 0, 0, 1_000_000);
                return async c =>
                {
                    var entries = await store.QueryTimelineAsync(new TimelineQuery(enterprise ?? "", from, to, limit, offset), c);
                    return !caller.Masked
                        ? entries
                        : [.. entries.Select(e => e with { Id = PersonalData.MaskText(e.Id), Summary = PersonalData.MaskText(e.Summary), Detail = PersonalData.MaskJson(e.Detail) })];
                };
            }, ArrowResults.Timeline, rows => AnalystResponses.Page(rows, offset, limit));
        });

        risk.MapGet("/audit", (HttpContext http, IHistoryStore store, TimeProvider clock) =>
        {
            int offset = 0, limit = 0;
            return AnalystResponses.RunAsync(http, (p, _) =>
            {
                var (from, to) = p.Period(clock.GetUtcNow(), TimeSpan.FromDays(1), MaxSpan);
                var caller = p.Text("caller");
                limit = p.Int("limit", 100, 1, 1000);
                offset = p.Int("offset", 0, 0, 1_000_000);
                return c => store.QueryAuditAsync(new AuditQuery(from, to, caller, limit, offset), c);
            }, ArrowResults.Audit, rows => AnalystResponses.Page(rows, offset, limit));
        }).RequireAuthorization(Policies.ReadAudit);
        return app;
    }
}

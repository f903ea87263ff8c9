using Supervision.Server.Analysts;
using Supervision.Server.Api.Bodies;
using Supervision.Server.Authorization;
using Supervision.Server.Grades;
using Supervision.Server.OpenApi;
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
        queries.MapGet("/trend", (HttpContext http, IHistoryQueries store, TimeProvider clock) => AnalystResponses.RunAsync(http, (p, caller) =>
        {
            var scope = caller.Narrow(new Scope(p.Enterprise(), p.Region(), p.Sector()));
            var (from, to) = p.Period(clock.GetUtcNow(), DefaultSpan, MaxSpan);
            var bucket = p.Bucket();
            if (p.Errors.Count == 0 && bucket == TimeBucket.Hour && to - from > TimeSpan.FromDays(31))
            {
                p.Errors["bucket"] = ["'hour' covers at most 31 days; use day or week for longer periods"];
            }
            return c => store.QueryTrendAsync(new TrendQuery(scope, from, to, bucket), c);
        }, ArrowResults.Trend, rows => new ItemsBody<TrendPoint>(rows)))
            .Analyst<ItemsBody<TrendPoint>>("Risk over time", "Mean and maximum risk score and report counts per time bucket (default: the last 7 days).")
            .WithQuery(Period(7), Bucket, Enterprise, Region, Sector)
            .WithResponseExample(200, """{"items":[{"bucket":"2026-11-27T00:00:00+00:00","reports":1440,"meanScore":0.12,"maxScore":0.93,"alerts":2}]}""");

        queries.MapGet("/top", (HttpContext http, IHistoryQueries store, TimeProvider clock) =>
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
        })
            .Analyst<PageBody<TopRiskRow>>("Riskiest enterprises", "Enterprises by their highest risk score in the period, highest first.")
            .WithQuery(Period(7), Region, Sector, Limit(20, 1000), Offset);

        queries.MapGet("/heat", (HttpContext http, IHistoryQueries store, TimeProvider clock) => AnalystResponses.RunAsync(http, (p, caller) =>
        {
            var region = p.Region();
            var (from, to) = p.Period(clock.GetUtcNow(), DefaultSpan, MaxSpan);
            var digits = p.Digits();
            return c => store.QueryHeatAsync(new HeatQuery(caller.Region(region), from, to, digits) { Sectors = caller.Sectors }, c);
        }, ArrowResults.Heat, rows => new ItemsBody<HeatCell>(rows)))
            .Analyst<ItemsBody<HeatCell>>("Region x sector heat", "Risk per region (grouped to 2, 4 or 6 digits) and sector.")
            .WithQuery(Period(7), Region, new EndpointDocs.Query("digits", "region code digits to group by", "4", "int32", false, "2", "4", "6"));

        queries.MapGet("/alert-statistics", (HttpContext http, IHistoryQueries store, TimeProvider clock) => AnalystResponses.RunAsync(http, (p, caller) =>
        {
            var scope = caller.Narrow(new Scope(p.Enterprise(), p.Region(), p.Sector()));
            var (from, to) = p.Period(clock.GetUtcNow(), DefaultSpan, MaxSpan);
            return async c => (IReadOnlyList<AlertStatistics>)[await store.QueryAlertStatisticsAsync(new AlertStatisticsQuery(scope, from, to), c)];
        }, ArrowResults.AlertStatistics, rows => rows[0]))
            .Analyst<AlertStatistics>("Alert statistics", "Alert counts by severity and status, and times to acknowledge and close.")
            .WithQuery(Period(7), Enterprise, Region, Sector);

        queries.MapGet("/timeline", (HttpContext http, IHistoryQueries store, TimeProvider clock) =>
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
        })
            .Analyst<PageBody<TimelineEntry>>("Enterprise timeline", "One enterprise's reports, scores, alerts and grade changes, newest first (default: the last 30 days); personal data masked for roles that may not see it.")
            .WithQuery(Period(30), Enterprise with { Required = true }, Limit(100, 1000), Offset);

        risk.MapGet("/audit", (HttpContext http, IHistoryQueries store, TimeProvider clock) =>
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
        }).RequireAuthorization(Policies.ReadAudit)
            .Analyst<PageBody<AuditRecord>>("Audit trail", "Who did or read what, when, how many rows and whether masked (default: the last day).")
            .WithQuery(Period(1), new EndpointDocs.Query("caller", "one caller's name"), Limit(100, 1000), Offset);
        return app;
    }

    private static readonly EndpointDocs.Query Bucket = new("bucket", "time bucket", "day", "", false, "hour", "day", "week");
    private static readonly EndpointDocs.Query Enterprise = new("enterprise", "one enterprise (USCC)", "91350100M000100Y43");
    private static readonly EndpointDocs.Query Region = new("region", "GB/T 2260 division prefix: 2, 4 or 6 digits", "3501");
    private static readonly EndpointDocs.Query Sector = new("sector", "one sector", "food", "", false, "food", "drug", "agri", "equipment");
    private static readonly EndpointDocs.Query Offset = new("offset", "rows to skip", "0", "int32");

    private static EndpointDocs.Query Limit(int fallback, int max) => new("limit", $"rows at most, 1 to {max} (default {fallback})", fallback.ToString(System.Globalization.CultureInfo.InvariantCulture), "int32");

    private static EndpointDocs.Query Period(int days) => new("from", $"start of the period, ISO 8601 with offset (default: {days} day{(days == 1 ? "" : "s")} before 'to'); use with 'to'", "2026-11-20T00:00:00+08:00", "date-time");

    /// <summary>What every analyst query shares in the document: tag, the optional analyst key, JSON or Arrow, 400 and 401 problems.</summary>
    private static RouteHandlerBuilder Analyst<T>(this RouteHandlerBuilder builder, string summary, string description) => builder
        .WithTags("Analyst queries")
        .WithSummary(summary)
        .WithDescription(description + " JSON, or Arrow IPC with 'Accept: application/vnd.apache.arrow.stream'. Every query goes to the audit trail.")
        .Produces<T>()
        .ProducesArrow()
        .ProducesValidationProblem()
        .WithQuery(new EndpointDocs.Query("to", "end of the period, ISO 8601 with offset (default: now)", "2026-11-27T00:00:00+08:00", "date-time"));
}

using Supervision.Domain.Identifiers;

namespace Supervision.Server.Authorization;

/// <summary>
/// The jurisdiction rule of DESIGN.md, attached declaratively to endpoints or route groups:
/// <list type="bullet">
/// <item><see cref="RequireRegionInScope{TBuilder}"/>: a <c>region</c> (or <c>sector</c>) parameter outside the
/// caller's scope answers 403 before any data is read.</item>
/// <item><see cref="RequireObjectInScope{TLocator}(RouteHandlerBuilder, string)"/>: an object named by a route or query parameter (an alert, an
/// enterprise...) outside the scope answers 404, the same answer as for a missing one, through the same lookup.</item>
/// </list>
/// Malformed values pass through, so the handler's validation names them (400). Handlers still narrow their queries
/// with <see cref="CallerScope"/>: these conventions check what the caller asked for, not what a query returns.
/// </summary>
/// <example>
/// <code>
/// alerts.MapGet("", ListAlerts).RequireRegionInScope();
/// alerts.MapPost("/{alertId}/acknowledge", Acknowledge).RequireObjectInScope&lt;AlertLocator&gt;("alertId");
/// </code>
/// </example>
public static class ScopeConventions
{
    /// <summary>Refuses (403) a region or sector parameter outside the caller's jurisdiction or sectors.</summary>
    public static TBuilder RequireRegionInScope<TBuilder>(this TBuilder builder, string regionParameter = "region", string sectorParameter = "sector")
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var caller = CallerScope.From(http.User);
            if (Single(http, regionParameter) is { } region && RegionCode.ValidateJurisdiction(region) is null && !caller.CoversRegion(region))
            {
                return Outside(caller.Jurisdiction is null
                    ? $"{regionParameter} '{region}': region filters are for people with a jurisdiction; your account sees {(caller.Enterprise is null ? "no region" : "enterprise " + caller.Enterprise)} only"
                    : $"{regionParameter} '{region}' is outside your jurisdiction ({(caller.Jurisdiction.Length == 0 ? "the whole country" : caller.Jurisdiction)})");
            }
            if (Single(http, sectorParameter) is { } name && Domain.Reports.Sectors.TryParse(name, out var sector) && caller.Enterprise is null && !caller.CoversSector(sector))
            {
                return Outside($"{sectorParameter} '{name}' is outside your sectors ({string.Join(", ", caller.Sectors.Select(s => Domain.Reports.Sectors.Name(s)))})");
            }
            return await next(context);
        });

    /// <summary>
    /// Answers <see cref="IObjectLocator.NotFound"/> (404) when the object named by <paramref name="parameter"/> (a
    /// route value, else a query parameter) is missing or outside the caller's scope.
    /// </summary>
    public static RouteHandlerBuilder RequireObjectInScope<TLocator>(this RouteHandlerBuilder builder, string parameter)
        where TLocator : IObjectLocator => builder.AddEndpointFilter(ObjectFilter<TLocator>(parameter));

    /// <inheritdoc cref="RequireObjectInScope{TLocator}(RouteHandlerBuilder, string)"/>
    public static RouteGroupBuilder RequireObjectInScope<TLocator>(this RouteGroupBuilder builder, string parameter)
        where TLocator : IObjectLocator => builder.AddEndpointFilter(ObjectFilter<TLocator>(parameter));

    private static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> ObjectFilter<TLocator>(string parameter)
        where TLocator : IObjectLocator => async (context, next) =>
        {
            var http = context.HttpContext;
            if (Single(http, parameter) is not { } id)
            {
                return await next(context);
            }
            var locator = http.RequestServices.GetRequiredService<TLocator>();
            if (!locator.IsWellFormed(id))
            {
                return await next(context);
            }
            var place = await locator.LocateAsync(id, http.RequestAborted);
            if (place is null || !CallerScope.From(http.User).Covers(place))
            {
                return locator.NotFound(id);
            }
            return await next(context);
        };

    private static string? Single(HttpContext http, string name)
    {
        if (http.Request.RouteValues.TryGetValue(name, out var routed) && routed is string value)
        {
            return value;
        }
        var values = http.Request.Query[name];
        return values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
    }

    private static IResult Outside(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Outside your scope", detail: detail);
}

using Supervision.Server.Authorization;

namespace Supervision.Server.Auditing;

/// <summary>
/// Audit attached declaratively to endpoints or route groups: <see cref="AuditEveryCall{TBuilder}"/> for privileged
/// actions (acknowledging, reloading models, issuing tokens), <see cref="AuditAgencyReads{TBuilder}"/> for reads that
/// partner agencies may make. Each records who, which request, its status and, for an agency, the declared purpose.
/// Analyst queries record themselves with their row counts (<see cref="Analysts.AnalystResponses"/>).
/// </summary>
public static class AuditConventions
{
    /// <summary>Records every call of the endpoint, whoever makes it.</summary>
    public static TBuilder AuditEveryCall<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter((context, next) => RecordAsync(context, next, _ => true));

    /// <summary>Records every call of the endpoint by a caller whose reads are audited (partner agencies).</summary>
    public static TBuilder AuditAgencyReads<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter((context, next) => RecordAsync(context, next, caller => caller.ReadsAudited));

    private static async ValueTask<object?> RecordAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, Func<CallerScope, bool> applies)
    {
        var result = await next(context);
        var http = context.HttpContext;
        var caller = CallerScope.From(http.User);
        if (applies(caller))
        {
            var status = (result as IStatusCodeHttpResult)?.StatusCode ?? http.Response.StatusCode;
            var action = $"{http.Request.Method} {http.Request.Path}{http.Request.QueryString} -> {status}";
            // Not the request's token: an audit record must not be lost because the caller hung up.
            await http.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(caller, action, 0, CancellationToken.None);
        }
        return result;
    }
}

namespace Supervision.Server.Authorization;

/// <summary>
/// Finds where an object named in a request belongs, so <see cref="ScopeConventions.RequireObjectInScope{TLocator}(RouteHandlerBuilder, string)"/>
/// can answer 404 for one outside the caller's scope exactly as for one that does not exist. Register an
/// implementation as a singleton per kind of object.
/// </summary>
public interface IObjectLocator
{
    /// <summary>
    /// Where <paramref name="id"/> belongs; null when there is no such object. <see cref="IsWellFormed"/> is asked first:
    /// a malformed id reaches the handler, which answers 400 naming it.
    /// </summary>
    ValueTask<ObjectPlace?> LocateAsync(string id, CancellationToken cancellation);

    /// <summary>False for an id that cannot name an object at all (the handler answers 400 for it).</summary>
    bool IsWellFormed(string id);

    /// <summary>The one answer for an object that is missing or outside the scope: the same body either way.</summary>
    IResult NotFound(string id);
}

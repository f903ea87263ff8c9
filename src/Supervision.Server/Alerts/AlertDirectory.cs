using System.Collections.Concurrent;
using Supervision.Domain.Alerts;
using Supervision.Server.Authorization;
using Supervision.Server.Pipeline;

namespace Supervision.Server.Alerts;

/// <summary>
/// Where each open alert belongs, kept from the pipeline's alert changes (an alert leaves when it resolves), so an
/// action on an alert can be scoped before the engine is asked (<see cref="ScopeConventions.RequireObjectInScope{TLocator}(RouteHandlerBuilder, string)"/>).
/// A hosted service only so the host creates it, and so subscribes it, before the pipeline starts.
/// </summary>
public sealed class AlertDirectory : IObjectLocator, IHostedService
{
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");
    private readonly ConcurrentDictionary<string, ObjectPlace> _open = new(StringComparer.Ordinal);

    public AlertDirectory(PipelineHost pipeline) => pipeline.Alerts.Subscribe(changes =>
    {
        foreach (var alert in changes)
        {
            if (alert.Status == AlertStatus.Resolved)
            {
                _open.TryRemove(alert.AlertId, out _);
            }
            else
            {
                _open[alert.AlertId] = new ObjectPlace(alert.EnterpriseId, alert.Region, alert.Sector);
            }
        }
    });

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>True for <c>al-</c> and 16 lower-case hexadecimal digits.</summary>
    public static bool IsAlertId(string id) =>
        id.Length == 19 && id.StartsWith("al-", StringComparison.Ordinal) && !id.AsSpan(3).ContainsAnyExcept(LowerHex);

    /// <inheritdoc/>
    public bool IsWellFormed(string id) => IsAlertId(id);

    /// <inheritdoc/>
    public ValueTask<ObjectPlace?> LocateAsync(string id, CancellationToken cancellation) => ValueTask.FromResult(_open.GetValueOrDefault(id));

    /// <inheritdoc/>
    public IResult NotFound(string id) => NoOpenAlert(id);

    /// <summary>The answer for an alert that is not open (or not the caller's to see).</summary>
    public static IResult NoOpenAlert(string id) => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No open alert",
        detail: $"no open alert has the id {id}: it is unknown or already resolved");
}

using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Supervision.Domain.Alerts;
using Supervision.Server.Pipeline;

namespace Supervision.Server.Alerts;

/// <summary>
/// Sends alert changes to hub clients: to the groups of the whole country, the province, the city and the county
/// of the alert, and of its enterprise, masked for the groups that see data masked (<see cref="AlertGroups"/>). The live view sits behind a bounded queue that drops the oldest change when clients cannot keep
/// up (history keeps every change; the dashboard can reload it), so slow clients never stall the pipeline.
/// </summary>
public sealed class AlertBroadcaster : BackgroundService
{
    private readonly IHubContext<AlertsHub> _hub;
    private readonly ILogger<AlertBroadcaster> _logger;
    private readonly Channel<Alert> _queue = Channel.CreateBounded<Alert>(new BoundedChannelOptions(10_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropOldest,
    });
    private long _sent;

    public AlertBroadcaster(PipelineHost pipeline, IHubContext<AlertsHub> hub, ILogger<AlertBroadcaster> logger)
    {
        _hub = hub;
        _logger = logger;
        pipeline.Alerts.Subscribe(changes =>
        {
            foreach (var alert in changes)
            {
                _queue.Writer.TryWrite(alert);
            }
        });
    }

    /// <summary>Alert messages sent so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var alert in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    var (masked, unmasked) = AlertGroups.Of(alert);
                    await _hub.Clients.Groups(unmasked).SendAsync("alert", alert, stoppingToken);
                    await _hub.Clients.Groups(masked).SendAsync("alert", AlertPrivacy.Mask(alert), stoppingToken);
                    Interlocked.Increment(ref _sent);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogWarning(e, "Could not send alert {AlertId}", alert.AlertId);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

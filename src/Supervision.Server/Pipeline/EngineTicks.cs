namespace Supervision.Server.Pipeline;

/// <summary>
/// Processing-time ticks (<see cref="Configuration.EngineOptions.TickInterval"/>): logged and applied like any other
/// input, so timed rules (silence, due dates, expiry) fire without new reports, and a replay fires them alike.
/// </summary>
public sealed class EngineTicks(PipelineHost pipeline, EngineInbox inbox, TimeProvider clock, Configuration.SupervisionOptions options, ILogger<EngineTicks> logger) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await pipeline.Ready.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(options.Engine.TickInterval, clock);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await inbox.TickAsync(clock.GetUtcNow(), stoppingToken);
                }
                catch (IOException e)
                {
                    logger.LogWarning("A tick could not be logged ({Message}); timed rules wait for the next", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (pipeline.Ready.IsFaulted)
        {
            logger.LogDebug(e, "No ticks: the pipeline did not start");
        }
    }
}

using Supervision.Domain.Reports;
using Supervision.Server.Configuration;
using Supervision.Server.Pipeline;
using Supervision.Simulation.Feeds;

namespace Supervision.Server.Demo;

/// <summary>
/// The built-in demo feed (<c>Supervision:Demo:Enabled</c>): the simulator's generator run in-process, its
/// batches submitted to the pipeline as accepted reports, the same generator <c>supervision simulate</c> uses.
/// </summary>
public sealed class DemoFeedService(PipelineHost pipeline, SupervisionOptions options, TimeProvider clock, ILogger<DemoFeedService> logger) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await pipeline.Ready.WaitAsync(stoppingToken);
        var demo = options.Demo;
        var generator = ReportGenerator.Create(demo.Enterprises, demo.Seed);
        logger.LogInformation(
            "Demo feed: {Enterprises} simulated enterprises, {Devices} devices, up to {Rate} reports/s, event time from {Backfill} ago (seed {Seed})",
            demo.Enterprises, generator.DeviceCount, demo.Rate, demo.Backfill, demo.Seed);
        logger.LogWarning(
            "Demo API keys (well known; demo only): enterprise 91350100M000100Y43 -> {EnterpriseKey}; platform for every region -> {PlatformKey}",
            Security.DemoKeys.Enterprise, Security.DemoKeys.Platform);
        logger.LogWarning(
            "Demo users (well known; demo only; the password is the user name): {Users}; sign in at / or POST /api/v1/auth/token",
            string.Join(", ", Security.DemoUsers.Names));
        var feed = new PacedFeed(generator, demo.ToFeedOptions(), clock);
        try
        {
            await foreach (var batch in feed.RunAsync(cancellation: stoppingToken))
            {
                await pipeline.SubmitAsync(new ReportBatch([.. batch], clock.GetUtcNow()), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

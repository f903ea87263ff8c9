using Supervision.Domain.Reports;

namespace Supervision.Simulation.Feeds;

/// <summary>How a <see cref="PacedFeed"/> runs.</summary>
public sealed class PacedFeedOptions
{
    /// <summary>Reports per second of wall-clock time while event time is behind the clock.</summary>
    public double Rate { get; set; } = 200;

    /// <summary>How far in the past event time starts, so that a demo shows sustained violations at once.</summary>
    public TimeSpan Backfill { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Event time between two readings of the same device.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Runs a <see cref="ReportGenerator"/> against a clock: event time starts <see cref="PacedFeedOptions.Backfill"/>
/// ago and advances as fast as <see cref="PacedFeedOptions.Rate"/> allows, but never past the clock, so after
/// catching up the feed is live. Each tick is one batch.
/// </summary>
public sealed class PacedFeed
{
    private readonly ReportGenerator _generator;
    private readonly PacedFeedOptions _options;
    private readonly TimeProvider _clock;

    /// <summary>A feed of <paramref name="generator"/>'s reports paced by <paramref name="clock"/>.</summary>
    public PacedFeed(ReportGenerator generator, PacedFeedOptions options, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Rate);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Interval, TimeSpan.Zero);
        _generator = generator;
        _options = options;
        _clock = clock;
    }

    /// <summary>Batches until <paramref name="cancellation"/> fires or <paramref name="maxReports"/> have been produced.</summary>
    public async IAsyncEnumerable<List<Report>> RunAsync(long maxReports = long.MaxValue, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var start = _clock.GetUtcNow() - _options.Backfill;
        // Whole minutes keep report ids and charts tidy.
        var eventTime = new DateTimeOffset(start.Ticks - (start.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var produced = 0L;
        var started = _clock.GetTimestamp();
        while (produced < maxReports && !cancellation.IsCancellationRequested)
        {
            var now = _clock.GetUtcNow();
            if (eventTime > now)
            {
                await Task.Delay(eventTime - now, _clock, cancellation).ConfigureAwait(false);
            }
            var batch = new List<Report>(_generator.DeviceCount);
            _generator.Tick(eventTime, _options.Interval, batch);
            if (batch.Count > maxReports - produced)
            {
                batch.RemoveRange((int)(maxReports - produced), batch.Count - (int)(maxReports - produced));
            }
            produced += batch.Count;
            eventTime += _options.Interval;
            yield return batch;

            var due = TimeSpan.FromSeconds(produced / _options.Rate) - _clock.GetElapsedTime(started);
            if (due > TimeSpan.FromMilliseconds(10))
            {
                await Task.Delay(due, _clock, cancellation).ConfigureAwait(false);
            }
        }
    }
}

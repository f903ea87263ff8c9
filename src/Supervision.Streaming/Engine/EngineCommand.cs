using Supervision.Domain.Reports;
using Supervision.Streaming.Rules;

namespace Supervision.Streaming.Pipeline;

/// <summary>
/// Everything that changes the engine, as one closed set of inputs applied one at a time in order: report batches,
/// processing-time ticks, alert actions, rule reloads. Ticks and alert actions are logged beside reports
/// (<see cref="EngineCommandCodec"/>), so a replay of the log gives the engine the same inputs in the same order.
/// </summary>
public abstract record EngineCommand
{
    private EngineCommand()
    {
    }

    /// <summary>True for commands the write-ahead log records through <see cref="EngineCommandCodec"/> (reports are logged as envelopes).</summary>
    public bool IsLoggedCommand => this is Tick or Acknowledge;

    /// <summary>A batch of accepted reports.</summary>
    public sealed record Process(ReportBatch Batch) : EngineCommand;

    /// <summary>Processing time has reached <paramref name="At"/>: timed rules judge what became due.</summary>
    public sealed record Tick(DateTimeOffset At) : EngineCommand;

    /// <summary>A person acknowledged an open alert.</summary>
    /// <param name="AlertId">The alert.</param>
    /// <param name="By">Who acknowledged it.</param>
    /// <param name="At">When (processing time).</param>
    public sealed record Acknowledge(string AlertId, string By, DateTimeOffset At) : EngineCommand;

    /// <summary>New rule options and data go into force.</summary>
    public sealed record Reload(RuleSet Rules) : EngineCommand;
}

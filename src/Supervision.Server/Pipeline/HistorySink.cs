using Supervision.Domain.Reports;
using Supervision.Storage.Queries;
using Supervision.Storage.Writing;
using Supervision.Streaming.Pipeline;

namespace Supervision.Server.Pipeline;

/// <summary>
/// Owns every store write the engine's work causes: the reports of a command, its alert changes with the scores
/// the pipeline made on them, its grade changes with the risk snapshots they imply. Called by the engine loop after
/// each command, asynchronously: when the history writer's queue is full the loop waits here, slowing the engine
/// rather than losing anything.
/// </summary>
public sealed class HistorySink(HistoryWriter writer)
{
    /// <summary>Queues what one command produced (and <paramref name="reports"/>, its reports not yet stored).</summary>
    public async ValueTask WriteAsync(ReportBatch? reports, PipelineOutput output, CancellationToken cancellation)
    {
        if (reports is { Count: > 0 })
        {
            await writer.EnqueueReportsAsync(reports, cancellation);
        }
        if (output.Alerts.Count > 0)
        {
            await writer.EnqueueAlertsAsync(output.Alerts, cancellation);
            // An acknowledgement is an alert event; it carries no new score.
            if (output.Command is not EngineCommand.Acknowledge)
            {
                await writer.EnqueueScoresAsync([.. output.Alerts.Select(RiskScoreRecord.FromAlert)], cancellation);
            }
        }
        if (output.Grades.Count > 0)
        {
            await writer.EnqueueGradeChangesAsync(output.Grades, cancellation);
            await writer.EnqueueSnapshotsAsync([.. output.Grades.Select(c => new RiskSnapshot(c.EnterpriseId, c.Region, c.Sector, c.At, c.Score, c.To, c.ModelVersion))], cancellation);
        }
    }
}

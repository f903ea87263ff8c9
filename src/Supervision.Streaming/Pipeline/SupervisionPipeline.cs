using System.Reactive.Linq;
using System.Reactive.Subjects;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;

namespace Supervision.Streaming.Pipeline;

/// <summary>Rx stages of the pipeline, as extension methods over batches.</summary>
public static class PipelineStages
{
    /// <summary>
    /// Runs every batch through <paramref name="engine"/> and emits the alert changes it made (non-empty lists
    /// only). The engine keeps state, so subscribe once: <see cref="SupervisionPipeline"/> shares the result.
    /// </summary>
    public static IObservable<IReadOnlyList<Alert>> DetectAlerts(this IObservable<ReportBatch> batches, SupervisionEngine engine) =>
        batches
            .Select(batch =>
            {
                var changes = new List<Alert>();
                engine.Process(batch, changes);
                return (IReadOnlyList<Alert>)changes;
            })
            .Where(changes => changes.Count > 0);
}

/// <summary>What the engine made of one batch: alert changes and credit grade changes.</summary>
/// <param name="Alerts">Alerts opened, updated or resolved.</param>
/// <param name="Grades">Credit grade changes.</param>
public sealed record PipelineOutput(IReadOnlyList<Alert> Alerts, IReadOnlyList<GradeChange> Grades);

/// <summary>
/// The running pipeline: one subscription to the batch source through the engine, shared by every sink (store
/// writer, SignalR hub). Sinks subscribe to <see cref="Alerts"/> and <see cref="GradeChanges"/> before <see cref="Start"/>.
/// </summary>
public sealed class SupervisionPipeline : IDisposable
{
    private readonly IConnectableObservable<PipelineOutput> _outputs;
    private IDisposable? _connection;

    /// <summary>A pipeline from <paramref name="source"/> through <paramref name="engine"/>.</summary>
    public SupervisionPipeline(IObservable<ReportBatch> source, SupervisionEngine engine)
    {
        Engine = engine;
        _outputs = source
            .Select(batch =>
            {
                var alerts = new List<Alert>();
                var grades = new List<GradeChange>();
                engine.Process(batch, alerts, grades);
                return new PipelineOutput(alerts, grades);
            })
            .Publish();
        Alerts = _outputs.Where(o => o.Alerts.Count > 0).Select(o => o.Alerts);
        GradeChanges = _outputs.Where(o => o.Grades.Count > 0).Select(o => o.Grades);
    }

    /// <summary>The engine, for feature look-ups and model roll-out.</summary>
    public SupervisionEngine Engine { get; }

    /// <summary>Alert changes, one list per batch that changed any.</summary>
    public IObservable<IReadOnlyList<Alert>> Alerts { get; }

    /// <summary>Credit grade changes, one list per batch that changed any grade.</summary>
    public IObservable<IReadOnlyList<GradeChange>> GradeChanges { get; }

    /// <summary>Connects the source; idempotent.</summary>
    public void Start() => _connection ??= _outputs.Connect();

    /// <inheritdoc/>
    public void Dispose() => _connection?.Dispose();
}

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

    /// <summary>Applies every command to <paramref name="engine"/> in order and emits what each made.</summary>
    public static IObservable<PipelineOutput> Apply(this IObservable<EngineCommand> commands, SupervisionEngine engine) =>
        commands.Select(command =>
        {
            var alerts = new List<Alert>();
            var grades = new List<GradeChange>();
            var reply = engine.Execute(command, alerts, grades);
            return new PipelineOutput(command, alerts, grades, reply);
        });
}

/// <summary>What the engine made of one command.</summary>
/// <param name="Command">The command.</param>
/// <param name="Alerts">Alerts opened, updated, acknowledged or resolved.</param>
/// <param name="Grades">Credit grade changes.</param>
/// <param name="Reply">For an acknowledgement, the alert as acknowledged (null when none was open).</param>
public sealed record PipelineOutput(EngineCommand Command, IReadOnlyList<Alert> Alerts, IReadOnlyList<GradeChange> Grades, Alert? Reply);

/// <summary>
/// The running pipeline: one subscription to the command source through the engine, shared by every sink (store
/// writer, SignalR hub). Sinks subscribe to <see cref="Outputs"/>, <see cref="Alerts"/> or <see cref="GradeChanges"/>
/// before <see cref="Start"/>.
/// </summary>
public sealed class SupervisionPipeline : IDisposable
{
    private readonly IConnectableObservable<PipelineOutput> _outputs;
    private IDisposable? _connection;

    /// <summary>A pipeline from <paramref name="source"/> through <paramref name="engine"/>.</summary>
    public SupervisionPipeline(IObservable<EngineCommand> source, SupervisionEngine engine)
    {
        Engine = engine;
        _outputs = source.Apply(engine).Publish();
        Alerts = _outputs.Where(o => o.Alerts.Count > 0).Select(o => o.Alerts);
        GradeChanges = _outputs.Where(o => o.Grades.Count > 0).Select(o => o.Grades);
    }

    /// <summary>A pipeline of report batches only.</summary>
    public SupervisionPipeline(IObservable<ReportBatch> source, SupervisionEngine engine)
        : this(source.Select(batch => (EngineCommand)new EngineCommand.Process(batch)), engine)
    {
    }

    /// <summary>The engine, for feature look-ups and model roll-out.</summary>
    public SupervisionEngine Engine { get; }

    /// <summary>What each command made, in order.</summary>
    public IObservable<PipelineOutput> Outputs => _outputs;

    /// <summary>Alert changes, one list per command that changed any.</summary>
    public IObservable<IReadOnlyList<Alert>> Alerts { get; }

    /// <summary>Credit grade changes, one list per command that changed any grade.</summary>
    public IObservable<IReadOnlyList<GradeChange>> GradeChanges { get; }

    /// <summary>Connects the source; idempotent.</summary>
    public void Start() => _connection ??= _outputs.Connect();

    /// <inheritdoc/>
    public void Dispose() => _connection?.Dispose();
}

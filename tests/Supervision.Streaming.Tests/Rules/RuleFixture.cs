using System.Reactive.Concurrency;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Scoring.Models;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Tests.Pipeline;

namespace Supervision.Streaming.Tests.Rules;

/// <summary>A fresh engine with every rule for each test, scored 0.42 by a fixed scorer, its changes collected.</summary>
public abstract class RuleFixture
{
    protected HistoricalScheduler Scheduler { get; private set; } = null!;

    protected SupervisionEngine Engine { get; private set; } = null!;

    protected List<Alert> Changes { get; private set; } = null!;

    /// <summary>The rule set the engine starts with.</summary>
    protected virtual RuleSet Rules => RuleSet.Default;

    [SetUp]
    public void CreateEngine()
    {
        Scheduler = new HistoricalScheduler(ReadingStreams.Start);
        Engine = new SupervisionEngine(Rules, SectorModels.Uniform(new FixedScorer(0.42)));
        Changes = [];
    }

    /// <summary>Each report a batch of its own, arriving when it was observed.</summary>
    protected void Feed(params Report[] reports) => ReadingStreams.Feed(Engine, Changes, reports);

    /// <summary>Runs a stream in virtual time.</summary>
    protected void Run(IObservable<ReportBatch> stream)
    {
        using var subscription = stream.DetectAlerts(Engine).Subscribe(Changes.AddRange);
        Scheduler.Start();
    }
}

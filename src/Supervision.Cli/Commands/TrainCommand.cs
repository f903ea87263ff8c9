using System.Diagnostics;
using Supervision.Cli.Terminal;
using Supervision.Cli.Training;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Scoring.Models;
using Supervision.Scoring.Training;
using Supervision.Streaming.Rules;

namespace Supervision.Cli.Commands;

/// <summary>
/// <c>supervision train</c>: trains one risk model per sector present in the simulator history and writes each
/// with its card (options in <see cref="Verbs.TrainVerb"/>). All sectors train before any file is written, so a failure leaves the models directory as it was.
/// </summary>
public static class TrainCommand
{
    /// <summary>How much history to simulate and where the models go.</summary>
    public sealed record Settings(int Enterprises, int Days, int Seed, string Output, int Trees);

    public static int Run(Settings settings, CliContext cli)
    {
        var (enterprises, days, seed, output, trees) = settings;
        var log = cli.Error;
        var watch = Stopwatch.StartNew();
        var progress = new Progress(log);
        log.WriteLine($"train: simulating {enterprises} enterprises for {days} days (seed {seed})");
        List<RiskRow> rows;
        using (var bar = cli.StartProgress("train: simulating history (hours)", days * 24))
        {
            rows = TrainingSetBuilder.Build(enterprises, days, seed, new RuleOptions(), progress, hours => bar.Value = hours);
        }
        var bySector = new Dictionary<Sector, List<RiskRow>>();
        foreach (var row in rows)
        {
            var sector = (Sector)(int)row.Features[RiskFeatures.Sector];
            if (!bySector.TryGetValue(sector, out var list))
            {
                bySector[sector] = list = [];
            }
            list.Add(row);
        }

        var trained = new List<TrainedModel>();
        var skipped = new List<string>();
        var now = cli.Clock.GetUtcNow();
        foreach (var sector in Sectors.All)
        {
            var name = sector.Name();
            if (!bySector.TryGetValue(sector, out var sectorRows))
            {
                skipped.Add(name);
                log.WriteLine($"train: {name}: skipped, the simulator produced no {name} reports");
                continue;
            }
            var options = new RiskTrainerOptions
            {
                Name = name,
                Sector = name,
                Seed = seed,
                Trees = trees,
                Version = ModelRegistry.NextVersion(output, name),
                Data = $"{enterprises} simulated enterprises over {days} days, seed {seed}; {sectorRows.Count} inspections of {name} enterprises",
            };
            log.WriteLine($"train: {name}: {sectorRows.Count} inspections");
            try
            {
                trained.Add(RiskTrainer.Train(sectorRows, options, now, new Progress(log, name + ": ")));
            }
            catch (TrainingDataException e)
            {
                log.WriteLine($"train: {name}: {e.Message}; no model written");
                return 1;
            }
        }
        if (trained.Count == 0)
        {
            log.WriteLine("train: no sector had data; no model written");
            return 1;
        }

        foreach (var model in trained)
        {
            ModelRegistry.Save(output, model);
        }
        log.WriteLine($"train: done in {watch.Elapsed.TotalSeconds:0.0} s; holdout metrics:");
        log.WriteLine("train:   model        AUC     PR-AUC  Brier   train rows  holdout rows  positive rate");
        foreach (var model in trained)
        {
            var info = model.Info;
            log.WriteLine($"train:   {info.Tag,-12} {info.HoldoutAuc,6:0.0000}  {info.HoldoutPrAuc,6:0.0000}  {info.HoldoutBrier,6:0.0000}  {info.TrainingRows,10}  {info.HoldoutRows,12}  {info.PositiveRate,13:0.000}  -> {Path.Combine(output, info.Name + ".zip")}");
        }
        if (skipped.Count > 0)
        {
            log.WriteLine($"train: skipped for lack of data: {string.Join(", ", skipped)}");
        }
        return 0;
    }

    // Synchronous: System.Progress would post to the thread pool and reorder lines.
    private sealed class Progress(TextWriter log, string prefix = "") : IProgress<string>
    {
        public void Report(string value) => log.WriteLine("train: " + prefix + value);
    }
}

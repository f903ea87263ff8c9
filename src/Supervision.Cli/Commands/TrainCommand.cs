using System.Diagnostics;
using Supervision.Cli.Training;
using Supervision.Scoring.Models;
using Supervision.Scoring.Training;
using Supervision.Streaming.Rules;

namespace Supervision.Cli.Commands;

/// <summary><c>supervision train</c>: trains the risk model on simulator history and writes it with its card.</summary>
public static class TrainCommand
{
    public const string Help = """
        usage: supervision train [options]

        Simulates enterprises, runs their reports through the streaming engine, pairs the engine's features
        with simulated inspection outcomes and trains a FastTree binary classifier. Writes <name>.zip, <name>.json
        and the card <name>.md into the output directory; nothing is written if training fails.

          --enterprises N   simulated enterprises (default 3000)
          --days D          simulated days, one reading a minute per device (default 4; inspections from day 2)
          --seed S          random seed; the same seed gives the same model (default 42)
          --output DIR      models directory (default models)
          --name NAME       model name (default risk)
          --trees N         boosted trees (default 100)
        """;

    public static int Run(CommandLine args, TextWriter log, TimeProvider clock)
    {
        var enterprises = args.Int("enterprises", 3000, 10, 1_000_000);
        var days = args.Int("days", 4, 2, 365);
        var seed = args.Int("seed", 42, 0, int.MaxValue);
        var output = args.String("output", "models");
        var name = args.String("name", "risk");
        var trees = args.Int("trees", 100, 1, 10_000);
        args.EnsureAllUsed();
        if (name.Length == 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new UsageException($"--name '{name}' is not a valid file name");
        }

        var watch = Stopwatch.StartNew();
        var progress = new Progress(log);
        log.WriteLine($"train: simulating {enterprises} enterprises for {days} days (seed {seed})");
        var rows = TrainingSetBuilder.Build(enterprises, days, seed, new RuleOptions(), progress);
        var options = new RiskTrainerOptions { Name = name, Seed = seed, Trees = trees, Version = ModelRegistry.NextVersion(output, name) };
        TrainedModel trained;
        try
        {
            trained = RiskTrainer.Train(rows, options, clock.GetUtcNow(), progress);
        }
        catch (TrainingDataException e)
        {
            log.WriteLine($"train: {e.Message}");
            return 1;
        }
        ModelRegistry.Save(output, trained);
        var info = trained.Info;
        log.WriteLine($"train: {info.Tag} written to {Path.Combine(output, name + ".zip")} in {watch.Elapsed.TotalSeconds:0.0} s");
        log.WriteLine($"train: holdout AUC {info.HoldoutAuc:0.0000}, PR-AUC {info.HoldoutPrAuc:0.0000}, {info.TrainingRows} training rows, {info.HoldoutRows} holdout rows, positive rate {info.PositiveRate:0.000}");
        return 0;
    }

    // Synchronous: System.Progress would post to the thread pool and reorder lines.
    private sealed class Progress(TextWriter log) : IProgress<string>
    {
        public void Report(string value) => log.WriteLine("train: " + value);
    }
}

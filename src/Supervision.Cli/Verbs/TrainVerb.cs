using System.CommandLine;
using Supervision.Cli.Commands;
using Supervision.Cli.Parsing;
using Supervision.Cli.Terminal;

namespace Supervision.Cli.Verbs;

/// <summary><c>supervision train</c>: options; the work is <see cref="TrainCommand"/>.</summary>
public static class TrainVerb
{
    public static Command Create(CliContext cli)
    {
        var enterprises = CliOptions.Int("--enterprises", "N", "simulated enterprises", 6000, 10, 1_000_000);
        var days = CliOptions.Int("--days", "D", "simulated days, one reading a minute per device (inspections from day 2)", 4, 2, 365);
        var seed = CliOptions.Int("--seed", "S", "random seed; the same seed gives the same models", 42, 0, int.MaxValue);
        var output = CliOptions.Text("--output", "DIR", "models directory", "models");
        var trees = CliOptions.Int("--trees", "N", "boosted trees", 100, 1, 10_000);
        var command = new Command("train", """
            Simulates enterprises, runs their reports through the streaming engine, pairs the engine's features
            with simulated inspection outcomes and trains one FastTree binary classifier per sector found in the
            data. Writes <sector>.zip, <sector>.json and the card <sector>.md into the output directory for every
            sector; sectors without simulated data are skipped and named. Nothing is written if any sector fails.
            """)
        {
            enterprises, days, seed, output, trees,
        };
        command.SetAction(parsed => TrainCommand.Run(
            new TrainCommand.Settings(parsed.GetValue(enterprises), parsed.GetValue(days), parsed.GetValue(seed), parsed.GetValue(output)!, parsed.GetValue(trees)),
            cli));
        return command;
    }
}

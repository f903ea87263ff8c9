using System.CommandLine;
using Supervision.Cli.Commands;
using Supervision.Cli.Parsing;
using Supervision.Cli.Terminal;

namespace Supervision.Cli.Verbs;

/// <summary><c>supervision detect</c>: options; the work is <see cref="DetectCommand"/>.</summary>
public static class DetectVerb
{
    public static Command Create(CliContext cli)
    {
        var input = CliOptions.Text("--input", "FILE", "the series to score");
        var output = CliOptions.Text("--output", "FILE", "where to write the scored series");
        var evaluate = CliOptions.Flag("--evaluate", "instead, run the detector over labelled simulator series and write its card");
        var card = CliOptions.Text("--card", "FILE", "card path for --evaluate", Path.Combine("models", "anomaly.md"));
        var series = CliOptions.Int("--series", "N", "simulated series for --evaluate", 40, 1, 10_000);
        var days = CliOptions.Int("--days", "D", "days per simulated series", 3, 1, 365);
        var seed = CliOptions.Int("--seed", "S", "random seed for --evaluate", 42, 0, int.MaxValue);
        var command = new Command("detect", """
            Scores a numeric sensor series with the online anomaly detector: each reading's score in [0, 1] uses
            only that reading and the ones before it. The input is CSV with the header 'timestamp,value' and one
            reading a row (any ISO 8601-like timestamp, in time order; '.' as decimal point). The output has the
            header 'timestamp,value,anomaly_score'. Bad rows are reported with their line number; then nothing is
            written and the exit code is 1.
            With --evaluate, runs the detector over labelled simulator series instead and writes its card.
            """)
        {
            input, output, evaluate, card, series, days, seed,
        };
        command.SetAction(parsed => DetectCommand.Run(
            new DetectCommand.Settings(
                parsed.GetValue(evaluate), parsed.GetValue(input), parsed.GetValue(output), parsed.GetValue(card)!,
                parsed.GetValue(series), parsed.GetValue(days), parsed.GetValue(seed)),
            cli.Error, cli.Clock));
        return command;
    }
}

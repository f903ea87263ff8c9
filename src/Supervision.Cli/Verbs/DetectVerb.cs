using System.CommandLine;
using Supervision.Cli.Anomaly;
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
        var evaluate = CliOptions.Flag("--evaluate", "instead, score the detector on the real labelled corpus and on simulator series and write its card");
        var card = CliOptions.Text("--card", "FILE", "card path for --evaluate", Path.Combine("models", "anomaly.md"));
        var corpus = CliOptions.Text("--corpus", "DIR", "real labelled corpus for --evaluate", SkabCorpus.DefaultDirectory);
        var series = CliOptions.Int("--series", "N", "simulated series for --evaluate", 40, 1, 10_000);
        var days = CliOptions.Int("--days", "D", "days per simulated series", 3, 1, 365);
        var seed = CliOptions.Int("--seed", "S", "random seed for --evaluate", 42, 0, int.MaxValue);
        var command = new Command("detect", """
            Scores a numeric sensor series with the online anomaly detector: each reading's score in [0, 1] uses
            only that reading and the ones before it; 0.9 means rarer than 1 in 10,000 for this series. The input
            is CSV with the header 'timestamp,value' and one reading a row (ISO 8601 timestamps, UTC when they carry
            no offset, or Unix seconds; '.' as decimal point). The output has the header
            'timestamp,value,anomaly_score' and one row per input row. Timestamps that go back are scored in file
            order (one warning names the lines); an empty value or NaN is a missing reading (score 0); a file with
            only a header gives only a header. Rows that cannot be read are reported with their line number; then
            nothing is written and the exit code is 1.
            With --evaluate, scores the detector and the one it replaced on the real labelled corpus and on
            labelled simulator series instead, and writes the card.
            """)
        {
            input, output, evaluate, card, corpus, series, days, seed,
        };
        command.SetAction(parsed => DetectCommand.Run(
            new DetectCommand.Settings(
                parsed.GetValue(evaluate), parsed.GetValue(input), parsed.GetValue(output), parsed.GetValue(card)!, parsed.GetValue(corpus)!,
                parsed.GetValue(series), parsed.GetValue(days), parsed.GetValue(seed)),
            cli.Error, cli.Clock));
        return command;
    }
}

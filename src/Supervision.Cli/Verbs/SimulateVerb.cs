using System.CommandLine;
using Supervision.Cli.Commands;
using Supervision.Cli.Parsing;
using Supervision.Cli.Terminal;

namespace Supervision.Cli.Verbs;

/// <summary><c>supervision simulate</c>: options and validation; the work is <see cref="SimulateCommand"/>.</summary>
public static class SimulateVerb
{
    public static Command Create(CliContext cli)
    {
        var enterprises = CliOptions.Int("--enterprises", "N", "simulated enterprises", 100, 1, 1_000_000);
        var rate = CliOptions.Double("--rate", "R", "reports per second while event time is behind the clock", 500, 0.001, 10_000_000);
        var seed = CliOptions.Int("--seed", "S", "random seed; the same seed gives the same enterprises and reports", 7, 0, int.MaxValue);
        var target = CliOptions.HttpUrl("--target", "server base URL, e.g. http://127.0.0.1:5080 (posts to /api/v1/reports)");
        var output = CliOptions.Text("--output", "FILE", "write NDJSON to FILE instead ('-' for standard output)");
        var count = CliOptions.Long("--count", "N", "stop after N reports (default: run until Ctrl+C)", 1);
        var backfill = CliOptions.Duration("--backfill", "event time starts this long ago, e.g. 6h", TimeSpan.FromHours(6));
        var apiKey = CliOptions.Text("--api-key", "KEY", "API key sent as 'Authorization: Bearer KEY' (a platform key covers many enterprises; the demo server prints sk_demo_platform)");
        var command = new Command("simulate", """
            Streams reports of simulated enterprises (valid USCCs, real GB/T 2260 regions, injected violations)
            to a running server as NDJSON batches, or writes them as NDJSON.
            """)
        {
            enterprises, rate, seed, target, output, count, backfill, apiKey,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(target) is null) == (result.GetResult(output) is null))
            {
                result.AddError("give exactly one of --target URL or --output FILE");
            }
        });
        command.SetAction((parsed, cancellation) => SimulateCommand.RunAsync(
            new SimulateCommand.Settings(
                parsed.GetValue(enterprises), parsed.GetValue(rate), parsed.GetValue(seed), parsed.GetValue(target), parsed.GetValue(output),
                parsed.GetValue(count), parsed.GetValue(backfill), parsed.GetValue(apiKey)),
            cli, cancellation));
        return command;
    }
}

using Supervision.Cli.Commands;

const string Usage = """
    usage: supervision <verb> [options]

    verbs:
      simulate   stream simulated enterprise reports to a server, or write them as NDJSON
      train      train one risk model per sector on simulator history and write each with its card
      detect     score a timestamp,value CSV with the streaming anomaly detector (or --evaluate it)
      keys       create API keys for reporting enterprises and platforms
      query      run an analyst query (trend, top, heat, alert-stats, timeline, audit, alerts) on a server

    'supervision <verb> --help' shows a verb's options.
    """;

if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var verb = args[0];
var rest = args[1..];
var wantsHelp = rest.Contains("--help") || rest.Contains("-h");
try
{
    switch (verb)
    {
        case "simulate":
            if (wantsHelp)
            {
                Console.WriteLine(SimulateCommand.Help);
                return 0;
            }
            return await SimulateCommand.RunAsync(new CommandLine(rest), Console.Error, cancellation.Token);
        case "train":
            if (wantsHelp)
            {
                Console.WriteLine(TrainCommand.Help);
                return 0;
            }
            return TrainCommand.Run(new CommandLine(rest), Console.Error, TimeProvider.System);
        case "detect":
            if (wantsHelp)
            {
                Console.WriteLine(DetectCommand.Help);
                return 0;
            }
            return DetectCommand.Run(new CommandLine(rest, new HashSet<string> { "evaluate" }), Console.Error, TimeProvider.System);
        case "keys":
            if (wantsHelp)
            {
                Console.WriteLine(KeysCommand.Help);
                return 0;
            }
            return KeysCommand.Run(rest, Console.Out);
        case "query":
            if (wantsHelp)
            {
                Console.WriteLine(QueryCommand.Help);
                return 0;
            }
            return await QueryCommand.RunAsync(rest, Console.Out, Console.Error, cancellation.Token);
        default:
            Console.Error.WriteLine($"supervision: unknown verb '{verb}'; run 'supervision --help'");
            return 2;
    }
}
catch (UsageException e)
{
    Console.Error.WriteLine($"supervision {verb}: {e.Message}");
    return 2;
}

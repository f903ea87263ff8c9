using Supervision.Cli;
using Supervision.Cli.Terminal;

return await SupervisionCli.RunAsync(args, CliContext.ForConsole());

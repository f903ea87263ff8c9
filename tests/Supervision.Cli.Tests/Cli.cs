using Supervision.Cli.Terminal;

namespace Supervision.Cli.Tests;

/// <summary>Runs the <c>supervision</c> command in-process with captured output, as the shell would.</summary>
internal static class Cli
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SupervisionCli.RunAsync(args, new CliContext(output, error, TimeProvider.System));
        return (code, output.ToString(), error.ToString());
    }
}

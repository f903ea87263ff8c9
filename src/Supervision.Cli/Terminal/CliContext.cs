using Spectre.Console;

namespace Supervision.Cli.Terminal;

/// <summary>
/// What a verb writes to and reads the time from: answers go to <see cref="Out"/>, log lines to <see cref="Error"/>,
/// and long work shows a <see cref="ProgressBar"/> when standard error is a terminal (log lines then scroll above it).
/// Tests pass their own writers and get no bars.
/// </summary>
public sealed class CliContext
{
    private readonly IAnsiConsole? _live;

    public CliContext(TextWriter output, TextWriter error, TimeProvider clock)
    {
        Out = output;
        Error = error;
        Clock = clock;
    }

    private CliContext(TextWriter output, IAnsiConsole live, TimeProvider clock)
        : this(output, new LiveLineWriter(live), clock) => _live = live;

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public TimeProvider Clock { get; }

    /// <summary>The process's own console: bars on standard error only when it is an interactive terminal.</summary>
    public static CliContext ForConsole()
    {
        if (Console.IsErrorRedirected || Environment.GetEnvironmentVariable("TERM") is null or "dumb")
        {
            return new CliContext(Console.Out, Console.Error, TimeProvider.System);
        }
        var live = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error), Interactive = InteractionSupport.Yes });
        return new CliContext(Console.Out, live, TimeProvider.System);
    }

    /// <summary>A bar for work of <paramref name="total"/> units (null: of unknown size); a no-op off a terminal.</summary>
    public ProgressBar StartProgress(string description, double? total) => _live is null ? ProgressBar.None : ProgressBar.Start(_live, description, total);
}

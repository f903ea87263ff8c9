using Spectre.Console;

namespace Supervision.Cli.Terminal;

/// <summary>
/// One progress bar for a verb's long work, drawn by Spectre.Console on a terminal; <see cref="None"/> elsewhere.
/// Imperative (set <see cref="Value"/>, change <see cref="Description"/>) so verb logic needs no callback shape.
/// </summary>
public sealed class ProgressBar : IDisposable
{
    public static readonly ProgressBar None = new(null, null);

    private readonly ProgressTask? _task;
    private readonly TaskCompletionSource? _done;
    private readonly Task? _display;

    private ProgressBar(ProgressTask? task, TaskCompletionSource? done, Task? display = null)
    {
        _task = task;
        _done = done;
        _display = display;
    }

    /// <summary>True when a bar is drawn: periodic log lines that repeat its figures can be left out.</summary>
    public bool Shown => _task is not null;

    public double Value
    {
        set
        {
            if (_task is not null)
            {
                _task.Value = value;
            }
        }
    }

    public string Description
    {
        set
        {
            if (_task is not null)
            {
                _task.Description = Markup.Escape(value);
            }
        }
    }

    internal static ProgressBar Start(IAnsiConsole console, string description, double? total)
    {
        var ready = new TaskCompletionSource<ProgressTask>(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var display = console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: total ?? 100);
                task.IsIndeterminate = total is null;
                ready.SetResult(task);
                await done.Task;
                task.StopTask();
            });
        // The display may fail before it adds the task (another live display on the console): surface that here.
        Task.WhenAny(ready.Task, display).GetAwaiter().GetResult().GetAwaiter().GetResult();
        return new ProgressBar(ready.Task.GetAwaiter().GetResult(), done, display);
    }

    public void Dispose()
    {
        if (_done is null)
        {
            return;
        }
        _done.TrySetResult();
        _display!.GetAwaiter().GetResult();
    }
}

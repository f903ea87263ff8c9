using System.Text;
using Spectre.Console;

namespace Supervision.Cli.Terminal;

/// <summary>
/// Writes whole lines through a Spectre console, so a progress bar on the same console redraws below them
/// instead of being torn by plain writes. Text is written as is: no markup is interpreted.
/// </summary>
internal sealed class LiveLineWriter(IAnsiConsole console) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                console.Write(new Text(_line.ToString().TrimEnd('\r') + "\n"));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
        {
            Write(c);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            Write(value);
            Write('\n');
        }
    }
}

using System.CommandLine;
using Supervision.Cli.Terminal;

namespace Supervision.Cli.Verbs;

/// <summary>
/// <c>supervision completion</c>: prints a shell function that asks the command itself for completions
/// through System.CommandLine's <c>[suggest]</c> directive, so no other tool is needed.
/// </summary>
public static class CompletionVerb
{
    private const string Bash = """
        # supervision tab completion: eval "$(supervision completion)"
        _supervision_complete() {
          local IFS=$'\n'
          COMPREPLY=($(supervision "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null))
        }
        complete -o default -F _supervision_complete supervision
        """;

    public static Command Create(CliContext cli)
    {
        var command = new Command("completion", """
            Prints the tab-completion script: add 'eval "$(supervision completion)"' to ~/.bashrc
            (in ~/.zshrc put 'autoload -U bashcompinit && bashcompinit' before it: zsh runs the same function).
            """);
        command.SetAction(_ =>
        {
            cli.Out.WriteLine(Bash);
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Supervision.Cli.Commands;
using Supervision.Cli.Terminal;
using Supervision.Cli.Verbs;

namespace Supervision.Cli;

/// <summary>
/// The <c>supervision</c> command: its verbs, and how bad input is answered (one line naming the verb and the
/// fault, exit code 2). To add a verb, write <c>Verbs/XxxVerb.cs</c> (options and action, calling logic kept in
/// <c>Commands/</c>) and list its <c>Create</c> in <see cref="Verbs"/>.
/// </summary>
public static class SupervisionCli
{
    /// <summary>Exit code for bad command-line input.</summary>
    public const int UsageError = 2;

    /// <summary>Every verb, in the order help lists them: the one place a verb is registered.</summary>
    private static readonly Func<CliContext, Command>[] Verbs =
    [
        SimulateVerb.Create,
        TrainVerb.Create,
        DetectVerb.Create,
        KeysVerb.Create,
        UsersVerb.Create,
        QueryVerb.Create,
        CompletionVerb.Create,
    ];

    public static RootCommand Create(CliContext context)
    {
        var root = new RootCommand("Supervision: simulate report streams, train risk models, score sensor series, issue API keys, manage users and query a server.");
        foreach (var verb in Verbs)
        {
            root.Subcommands.Add(verb(context));
        }
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the verb; bad input prints one line to standard error.</summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellation = default)
    {
        var parsed = Create(context).Parse(args);
        if (parsed.Action is ParseErrorAction)
        {
            await context.Error.WriteLineAsync($"{CommandPath(parsed.CommandResult)}: {Reason(parsed)}");
            return UsageError;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false }, cancellation);
        }
        catch (UsageException e)
        {
            await context.Error.WriteLineAsync($"{CommandPath(parsed.CommandResult)}: {e.Message}");
            return UsageError;
        }
    }

    /// <summary>The first fault in words a user of this command knows: the option or action at fault.</summary>
    private static string Reason(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var actions = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        if (parsed.UnmatchedTokens.Count > 0)
        {
            var token = parsed.UnmatchedTokens[0];
            if (token.StartsWith('-'))
            {
                return $"unknown option {token}";
            }
            return actions.Count > 0
                ? $"unknown {(command is RootCommand ? "verb" : command.Name + " action")} '{token}'; use one of {string.Join(", ", actions)}"
                : $"unexpected argument '{token}'";
        }
        if (actions.Count > 0 && command.Action is null)
        {
            return $"say which {(command is RootCommand ? "verb" : command.Name + " action")}: {string.Join(", ", actions)} (--help tells more)";
        }
        var error = parsed.Errors[0];
        var option = error.SymbolResult switch
        {
            OptionResult o => o,
            ArgumentResult { Parent: OptionResult o } => o,
            _ => null,
        };
        if (option is not null && option.Option.Arity.MinimumNumberOfValues > 0)
        {
            if (option.IdentifierToken is null)
            {
                return $"{option.Option.Name} is required";
            }
            if (option.Tokens.Count == 0)
            {
                return $"{option.Option.Name} needs a value";
            }
            if (option.Tokens.Count > option.Option.Arity.MaximumNumberOfValues)
            {
                return $"{option.Option.Name} is given more than once";
            }
        }
        return error.Message;
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c; r = c.Parent)
        {
            names.Add(c.Command is RootCommand ? "supervision" : c.Command.Name);
        }
        names.Reverse();
        return string.Join(' ', names);
    }
}

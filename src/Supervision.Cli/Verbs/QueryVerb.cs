using System.CommandLine;
using System.CommandLine.Completions;
using Supervision.Cli.Commands;
using Supervision.Cli.Parsing;
using Supervision.Cli.Terminal;

namespace Supervision.Cli.Verbs;

/// <summary>
/// <c>supervision query &lt;what&gt;</c>: one action per analyst query, each with the parameters its endpoint takes.
/// Parameter values are passed as given: the server validates them and its 400 names the one at fault.
/// </summary>
public static class QueryVerb
{
    private static readonly (string Name, string Path, string Description, string[] Parameters)[] Queries =
    [
        ("trend", "api/v1/risk/trend", "risk over time buckets", ["from", "to", "bucket", "enterprise", "region", "sector"]),
        ("top", "api/v1/risk/top", "riskiest enterprises", ["from", "to", "region", "sector", "limit", "offset"]),
        ("heat", "api/v1/risk/heat", "region x sector matrix", ["from", "to", "region", "digits"]),
        ("alert-stats", "api/v1/risk/alert-statistics", "alert counts and times", ["from", "to", "enterprise", "region", "sector"]),
        ("timeline", "api/v1/risk/timeline", "one enterprise's history", ["from", "to", "enterprise", "limit", "offset"]),
        ("audit", "api/v1/risk/audit", "who queried what (supervisor key)", ["from", "to", "caller", "limit", "offset"]),
        ("alerts", "api/v1/alerts", "alerts, latest state", ["from", "to", "region", "limit"]),
    ];

    private static readonly Dictionary<string, (string ValueName, string Description, string[] Completions)> Parameters = new(StringComparer.Ordinal)
    {
        ["from"] = ("T", "start of the period, ISO 8601 (default: 7 days ago; alerts: 24 hours ago)", []),
        ["to"] = ("T", "end of the period, ISO 8601 (default: now)", []),
        ["bucket"] = ("hour|day|week", "time bucket", ["hour", "day", "week"]),
        ["enterprise"] = ("USCC", "one enterprise", []),
        ["region"] = ("P", "GB/T 2260 division prefix", []),
        ["sector"] = ("food|drug|agri|equipment", "one sector", ["food", "drug", "agri", "equipment"]),
        ["digits"] = ("2|4|6", "region code digits to group by", ["2", "4", "6"]),
        ["limit"] = ("N", "rows at most", []),
        ["offset"] = ("N", "rows to skip", []),
        ["caller"] = ("NAME", "one caller", []),
    };

    public static Command Create(CliContext cli)
    {
        var command = new Command("query", """
            Runs an analyst query on a running server (GET /api/v1/risk/... or /api/v1/alerts) and writes the
            answer: JSON by default, Arrow IPC with --format arrow.
            """);
        foreach (var query in Queries)
        {
            command.Subcommands.Add(Query(cli, query.Name, query.Path, query.Description, query.Parameters));
        }
        return command;
    }

    private static Command Query(CliContext cli, string name, string path, string description, string[] parameters)
    {
        var server = CliOptions.HttpUrl("--server", "server base URL, e.g. http://127.0.0.1:5080");
        server.Required = true;
        var key = CliOptions.Text("--key", "TOKEN", "personal access token (spat_...) or access token, sent as 'Authorization: Bearer' (default: $SUPERVISION_TOKEN, then $SUPERVISION_ANALYST_KEY)");
        var format = CliOptions.OneOf("--format", "answer format", "json", "json", "arrow");
        var output = CliOptions.Text("--output", "FILE", "write the answer to FILE instead of standard output");
        var command = new Command(name, description) { server, key, format, output };
        var options = new List<(string Name, Option<string?> Option)>();
        foreach (var parameter in parameters)
        {
            var (valueName, help, completions) = Parameters[parameter];
            var option = CliOptions.Text("--" + parameter, valueName, help);
            if (completions.Length > 0)
            {
                option.CompletionSources.Add(_ => completions.Select(c => new CompletionItem(c)));
            }
            command.Options.Add(option);
            options.Add((parameter, option));
        }
        command.SetAction((parsed, cancellation) =>
        {
            var given = new List<KeyValuePair<string, string>>();
            foreach (var (parameter, option) in options)
            {
                if (parsed.GetValue(option) is { } value)
                {
                    given.Add(new(parameter, value));
                }
            }
            return QueryCommand.RunAsync(
                new QueryCommand.Settings(parsed.GetValue(server)!, path, given, parsed.GetValue(format)!, parsed.GetValue(key), parsed.GetValue(output)),
                cli.Out, cli.Error, cancellation);
        });
        return command;
    }
}

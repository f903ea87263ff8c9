using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Supervision.Cli.Commands;

/// <summary><c>supervision query</c>: runs one analyst query against a running server over HTTP.</summary>
public static class QueryCommand
{
    public const string Help = """
        usage: supervision query <what> --server URL [options]

        Runs an analyst query on a running server (GET /api/v1/risk/... or /api/v1/alerts) and writes the
        answer: JSON by default, Arrow IPC with --format arrow.

        what:
          trend        risk over time buckets       --bucket hour|day|week, --enterprise, --region, --sector
          top          riskiest enterprises         --region, --sector, --limit, --offset
          heat         region x sector matrix       --region, --digits 2|4|6
          alert-stats  alert counts and times       --enterprise, --region, --sector
          timeline     one enterprise's history     --enterprise (required), --limit, --offset
          audit        who queried what             --caller, --limit, --offset (supervisor's token)
          alerts       alerts, latest state         --region, --limit

          --server URL      server base URL, e.g. http://127.0.0.1:5080
          --from T, --to T  ISO 8601 period (default: the last 7 days; alerts: 24 hours)
          --key TOKEN       personal access token (spat_...) or access token, sent as 'Authorization: Bearer'
                            (default: $SUPERVISION_TOKEN, then $SUPERVISION_ANALYST_KEY)
          --format F        json (default) or arrow
          --output FILE     write the answer to FILE instead of standard output
        """;

    private static readonly Dictionary<string, (string Path, string[] Options)> Queries = new(StringComparer.Ordinal)
    {
        ["trend"] = ("api/v1/risk/trend", ["from", "to", "bucket", "enterprise", "region", "sector"]),
        ["top"] = ("api/v1/risk/top", ["from", "to", "region", "sector", "limit", "offset"]),
        ["heat"] = ("api/v1/risk/heat", ["from", "to", "region", "digits"]),
        ["alert-stats"] = ("api/v1/risk/alert-statistics", ["from", "to", "enterprise", "region", "sector"]),
        ["timeline"] = ("api/v1/risk/timeline", ["from", "to", "enterprise", "limit", "offset"]),
        ["audit"] = ("api/v1/risk/audit", ["from", "to", "caller", "limit", "offset"]),
        ["alerts"] = ("api/v1/alerts", ["from", "to", "region", "limit"]),
    };

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter log, CancellationToken cancellation)
    {
        if (args.Count == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            throw new UsageException($"say what to query first: {string.Join(", ", Queries.Keys)}");
        }
        if (!Queries.TryGetValue(args[0], out var query))
        {
            throw new UsageException($"unknown query '{args[0]}'; use one of {string.Join(", ", Queries.Keys)}");
        }
        var options = new CommandLine([.. args.Skip(1)]);
        var server = options.String("server") ?? throw new UsageException("--server URL is required, e.g. --server http://127.0.0.1:5080");
        if (!Uri.TryCreate(server.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--server must be an http(s) URL, got '{server}'");
        }
        var format = options.String("format", "json");
        if (format is not ("json" or "arrow"))
        {
            throw new UsageException($"--format must be json or arrow, got '{format}'");
        }
        var key = options.String("key") ?? Environment.GetEnvironmentVariable("SUPERVISION_TOKEN") ?? Environment.GetEnvironmentVariable("SUPERVISION_ANALYST_KEY");
        var file = options.String("output");
        var parameters = new StringBuilder();
        foreach (var name in query.Options)
        {
            if (options.String(name) is { } value)
            {
                parameters.Append(parameters.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }
        options.EnsureAllUsed();

        var uri = new Uri(baseUri, query.Path + parameters);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(format == "arrow" ? "application/vnd.apache.arrow.stream" : "application/json"));
        if (!string.IsNullOrEmpty(key))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        log.WriteLine($"query: GET {uri}");
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellation);
        }
        catch (HttpRequestException e)
        {
            log.WriteLine($"supervision query: cannot reach {baseUri}: {e.Message}");
            return 1;
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                log.WriteLine($"supervision query: {(int)response.StatusCode} {Problem(await response.Content.ReadAsStringAsync(cancellation))}");
                return 1;
            }
            if (file is null && format == "json")
            {
                await output.WriteLineAsync(await response.Content.ReadAsStringAsync(cancellation));
            }
            else
            {
                await using var target = file is null ? Console.OpenStandardOutput() : File.Create(file);
                await response.Content.CopyToAsync(target, cancellation);
            }
            log.WriteLine($"query: {response.Content.Headers.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} bytes of {response.Content.Headers.ContentType?.MediaType}{(file is null ? "" : " to " + file)}");
            return 0;
        }
    }

    /// <summary>One line from a problem-details body: title and each parameter's error.</summary>
    private static string Problem(string body)
    {
        try
        {
            var problem = JsonDocument.Parse(body).RootElement;
            var line = new StringBuilder(problem.TryGetProperty("title", out var title) ? title.GetString() : "error");
            if (problem.TryGetProperty("detail", out var detail))
            {
                line.Append(": ").Append(detail.GetString());
            }
            if (problem.TryGetProperty("errors", out var errors))
            {
                foreach (var error in errors.EnumerateObject())
                {
                    line.Append("; ").Append(error.Name).Append(": ").Append(string.Join(", ", error.Value.EnumerateArray().Select(e => e.GetString())));
                }
            }
            return line.ToString();
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }
}

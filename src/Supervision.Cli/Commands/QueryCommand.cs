using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Supervision.Cli.Commands;

/// <summary><c>supervision query</c>: runs one analyst query against a running server over HTTP (queries and options in <see cref="Verbs.QueryVerb"/>).</summary>
public static class QueryCommand
{
    /// <summary>One query: the server, the API path under it, the query's parameters as given, and how to answer.</summary>
    public sealed record Settings(Uri Server, string Path, IReadOnlyList<KeyValuePair<string, string>> Parameters, string Format, string? Key, string? Output);

    public static async Task<int> RunAsync(Settings settings, TextWriter output, TextWriter log, CancellationToken cancellation)
    {
        var baseUri = new Uri(settings.Server.AbsoluteUri.TrimEnd('/') + "/");
        var format = settings.Format;
        var key = settings.Key ?? Environment.GetEnvironmentVariable("SUPERVISION_TOKEN") ?? Environment.GetEnvironmentVariable("SUPERVISION_ANALYST_KEY");
        var file = settings.Output;
        var parameters = new StringBuilder();
        foreach (var (name, value) in settings.Parameters)
        {
            parameters.Append(parameters.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        var uri = new Uri(baseUri, settings.Path + parameters);
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

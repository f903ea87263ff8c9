using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Supervision.Server.Tests.OpenApi;

/// <summary><c>/openapi/v1.json</c> against the endpoints the server really maps, and <c>/docs</c>.</summary>
[Category("Integration")]
public class OpenApiDocumentTests
{
    // Not HTTP API operations: the SignalR hub (its own protocol) and the documentation itself.
    private static readonly string[] Undocumented = ["/hubs/", "/openapi/", "/docs"];

    private SupervisionServer _server = null!;
    private JsonElement _document;

    [OneTimeSetUp]
    public async Task Fetch()
    {
        _server = new SupervisionServer();
        using var client = _server.NewClient();
        _document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement.Clone();
    }

    [OneTimeTearDown]
    public void Stop() => _server.Dispose();

    private static IEnumerable<(string Method, string Path)> MappedOperations(IServiceProvider services)
    {
        foreach (var endpoint in services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            // A route group's "" endpoint ends in '/': the document names it without.
            var path = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            if (Undocumented.Any(path.StartsWith))
            {
                continue;
            }
            // Endpoints mapped without a method (health checks, the Prometheus scrape) are read with GET.
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                yield return (method.ToLowerInvariant(), path);
            }
        }
    }

    [Test]
    public void Document_EveryMappedEndpoint_HasSummaryTagAndTypedSuccess()
    {
        var operations = MappedOperations(_server.Services).ToList();
        Assert.That(operations, Has.Count.GreaterThanOrEqualTo(17), "the server maps its endpoints");
        var paths = _document.GetProperty("paths");
        Assert.Multiple(() =>
        {
            foreach (var (method, path) in operations)
            {
                var where = $"{method.ToUpperInvariant()} {path}";
                if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method, out var operation))
                {
                    Assert.Fail($"{where} is mapped but not in /openapi/v1.json");
                    continue;
                }
                Assert.That(operation.TryGetProperty("summary", out var summary) && summary.GetString()!.Length > 0, Is.True, $"{where} has no summary");
                Assert.That(operation.TryGetProperty("tags", out _), Is.True, $"{where} has no tag");
                var success = operation.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2')).ToList();
                Assert.That(success, Is.Not.Empty, $"{where} documents no success answer");
                Assert.That(success.All(r => r.Name == "204" || r.Value.TryGetProperty("content", out _)), Is.True, $"{where} documents a success answer without its body");
            }
        });
    }

    [Test]
    public void Document_ReportsPost_FourFormatsWithExamplesProblemsAndKey()
    {
        var post = _document.GetProperty("paths").GetProperty("/api/v1/reports").GetProperty("post");

        var content = post.GetProperty("requestBody").GetProperty("content");
        Assert.That(content.EnumerateObject().Select(c => c.Name), Is.SupersetOf(new[] { "application/json", "application/x-ndjson", "application/jsonl", "text/csv", "application/vnd.apache.arrow.stream" }));
        Assert.That(content.GetProperty("application/json").GetProperty("example")[0].GetProperty("kind").GetString(), Is.EqualTo("food.coldchain"));
        Assert.That(content.GetProperty("text/csv").GetProperty("example").GetString(), Does.StartWith("reportId,enterpriseId,region,sector,kind,observedAt,payload.deviceId"));
        var responses = post.GetProperty("responses");
        Assert.That(responses.EnumerateObject().Select(r => r.Name), Is.SupersetOf(new[] { "202", "400", "401", "403", "413", "415", "429", "503" }));
        Assert.That(post.GetProperty("description").GetString(), Does.EndWith("Policy: reporting."));
        Assert.That(responses.GetProperty("413").GetProperty("content").TryGetProperty("application/problem+json", out _), Is.True);
        Assert.That(responses.GetProperty("202").GetProperty("content").GetProperty("application/json").GetProperty("example").GetProperty("accepted").GetInt32(), Is.EqualTo(1));
        Assert.That(post.GetProperty("security")[0].TryGetProperty("reportingKey", out _), Is.True);
        Assert.That(post.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Does.Contain("profile"));
    }

    [Test]
    public void Document_AnalystQuery_ParametersArrowAndKey()
    {
        var trend = _document.GetProperty("paths").GetProperty("/api/v1/risk/trend").GetProperty("get");

        var parameters = trend.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.That(parameters.Keys, Is.SupersetOf(new[] { "from", "to", "bucket", "enterprise", "region", "sector" }));
        Assert.That(parameters["bucket"].GetProperty("schema").GetProperty("enum").EnumerateArray().Select(v => v.GetString()), Is.EqualTo(new[] { "hour", "day", "week" }));
        var ok = trend.GetProperty("responses").GetProperty("200").GetProperty("content");
        Assert.That(ok.TryGetProperty("application/vnd.apache.arrow.stream", out _), Is.True);
        Assert.That(ok.GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString(), Does.StartWith("#/components/schemas/ItemsBodyOfTrendPoint"));
        Assert.That(trend.GetProperty("security")[0].TryGetProperty("bearer", out _), Is.True);
        Assert.That(trend.GetProperty("description").GetString(), Does.Contain("Policy: query-risk (analyst, supervisor"));
        Assert.That(trend.GetProperty("responses").GetProperty("403").GetProperty("content").TryGetProperty("application/problem+json", out _), Is.True);
    }

    [Test]
    public void Document_SecuritySchemes_AreTheKeysInUse()
    {
        var schemes = _document.GetProperty("components").GetProperty("securitySchemes");

        Assert.That(schemes.EnumerateObject().Select(s => s.Name), Is.EquivalentTo(new[] { "bearer", "reportingKey" }));
        Assert.That(schemes.GetProperty("bearer").GetProperty("bearerFormat").GetString(), Is.EqualTo("JWT"));
        Assert.That(schemes.GetProperty("reportingKey").GetProperty("scheme").GetString(), Is.EqualTo("bearer"));
        var health = _document.GetProperty("paths").GetProperty("/healthz/ready").GetProperty("get");
        Assert.That(health.TryGetProperty("security", out _), Is.False, "public endpoints need no credentials");
    }

    [Test]
    public async Task Docs_Get_ServesScalarAndItsScriptOverTheDocument()
    {
        using var client = _server.NewClient();

        using var page = await client.GetAsync("/docs");
        var html = await page.Content.ReadAsStringAsync();

        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("\"sources\":[{\"title\":\"v1\",\"url\":\"openapi/v1.json\"}]"));
        Assert.That(html, Does.Contain("<script src=\"scalar.js\"></script>"));
        using var script = await client.GetAsync("/docs/scalar.js");
        Assert.That(script.StatusCode, Is.EqualTo(HttpStatusCode.OK), "Scalar's script comes from the package, not a CDN");
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using Apache.Arrow.Ipc;
using Supervision.Cli;
using Supervision.Cli.Terminal;

namespace Supervision.Server.Tests.Cli;

/// <summary><c>supervision query</c> against the real server over HTTP, through the whole command line.</summary>
[Category("Integration")]
public class QueryCommandTests
{
    private const string Enterprise = "91350100M000100Y43";
    private SupervisionServer _server = null!;
    private string _from = "";
    private string _directory = "";
    private string _token = "";

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _server = new SupervisionServer();
        _directory = Path.Combine(_server.DataDirectory, "cli");
        Directory.CreateDirectory(_directory);
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        _from = start.AddMinutes(-5).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        using var client = _server.NewClient();
        // An analyst's script runs with a personal access token, created once while signed in.
        using var analyst = await _server.ClientAsync(TestUsers.Analyst35);
        using var created = await analyst.PostAsync("/api/v1/auth/tokens", JsonContent.Create(new { name = "query command tests" }));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        _token = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString()!;
        using var response = await client.PostAsync("/api/v1/reports", new StringContent(SupervisionServer.ViolatingSeries(Enterprise, "350102", start, 30), Encoding.UTF8, "application/x-ndjson"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await SupervisionServer.EventuallyAsync(async () =>
        {
            var (code, output, _) = await RunAsync("top", "--region", "35", "--from", _from);
            return code == 0 && output.Contains(Enterprise, StringComparison.Ordinal) ? output : null;
        }, TimeSpan.FromSeconds(30), "the enterprise in the top-N answer");
    }

    [OneTimeTearDown]
    public void StopServer() => _server.Dispose();

    [Test]
    public async Task Run_TopAsJson_PrintsTheAnswer()
    {
        var (code, output, log) = await RunAsync("top", "--region", "3501", "--sector", "food", "--from", _from, "--limit", "3");

        Assert.That(code, Is.Zero, log);
        Assert.That(output, Does.Contain($"\"enterpriseId\":\"{Enterprise}\""));
        Assert.That(log, Does.Contain("GET " + _server.BaseAddress + "api/v1/risk/top?from="));
    }

    [Test]
    public async Task Run_TrendAsArrowToFile_WritesArrowStream()
    {
        var file = Path.Combine(_directory, "trend.arrows");

        var (code, _, log) = await RunAsync("trend", "--enterprise", Enterprise, "--bucket", "hour", "--from", _from, "--format", "arrow", "--output", file);

        Assert.That(code, Is.Zero, log);
        await using var stream = File.OpenRead(file);
        using var reader = new ArrowStreamReader(stream);
        using var batch = await reader.ReadNextRecordBatchAsync();
        Assert.That(batch.Schema.FieldsList[0].Name, Is.EqualTo("bucket"));
        Assert.That(batch.Length, Is.GreaterThan(0));
    }

    [Test]
    public async Task Run_BadParameter_ExitsOneNamingIt()
    {
        var (code, _, log) = await RunAsync("trend", "--bucket", "month");

        Assert.That(code, Is.EqualTo(1));
        Assert.That(log, Does.Contain("supervision query: 400 Invalid query parameters; bucket: 'month' must be hour, day or week"));
    }

    [Test]
    public async Task Run_ServerNotListening_ExitsOneNamingIt()
    {
        var (code, _, log) = await CliAsync("query", "top", "--server", "http://127.0.0.1:1");

        Assert.That(code, Is.EqualTo(1));
        Assert.That(log, Does.Contain("supervision query: cannot reach http://127.0.0.1:1/: "));
    }

    [Test]
    public async Task Run_UnknownToken_ExitsOneSayingWhy()
    {
        var (code, _, log) = await CliAsync("query", "top", "--server", _server.BaseAddress.ToString(), "--key", "spat_not-a-token");

        Assert.That(code, Is.EqualTo(1));
        Assert.That(log, Does.Contain("supervision query: 401 Unauthorized: the personal access token is not known"));
    }

    private Task<(int Code, string Output, string Log)> RunAsync(params string[] args) =>
        CliAsync(["query", args[0], "--server", _server.BaseAddress.ToString(), "--key", _token, .. args[1..]]);

    private static async Task<(int Code, string Output, string Log)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var log = new StringWriter();
        var code = await SupervisionCli.RunAsync(args, new CliContext(output, log, TimeProvider.System));
        return (code, output.ToString(), log.ToString());
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Apache.Arrow.Ipc;

namespace Supervision.Server.Tests.Api;

/// <summary>The analyst queries over HTTP on the real server (DuckDB file, real pipeline), with keys, masking and audit.</summary>
[Category("Integration")]
public class RiskApiTests
{
    private const string Enterprise = "91350100M000100Y43";
    private const string AnalystKey = TestUsers.Analyst35;
    private const string SupervisorKey = TestUsers.Supervisor35;
    private const string Phone = "13912345678";
    private SupervisionServer _server = null!;
    private HttpClient _client = null!;
    private DateTimeOffset _start;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _server = new SupervisionServer();
        _client = _server.NewClient();
        _start = DateTimeOffset.UtcNow.AddHours(-2);
        var series = SupervisionServer.ViolatingSeries(Enterprise, "350102", _start, 40, device: Phone);
        using var response = await _client.PostAsync("/api/v1/reports", new StringContent(series, Encoding.UTF8, "application/x-ndjson"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await SupervisionServer.EventuallyAsync(async () =>
        {
            var top = await GetJsonAsync($"/api/v1/risk/top?region=35&from={Iso(_start)}");
            return top.GetProperty("items").GetArrayLength() > 0 ? "scored" : null;
        }, TimeSpan.FromSeconds(30), "the alert's risk score to reach the history");
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _client.Dispose();
        _server.Dispose();
    }

    [Test]
    public async Task GetTop_AfterViolatingSeries_EnterpriseRankedWithReasonsAndReports()
    {
        var top = await GetJsonAsync($"/api/v1/risk/top?region=3501&sector=food&from={Iso(_start)}&limit=5");

        var first = top.GetProperty("items")[0];
        Assert.That(first.GetProperty("enterpriseId").GetString(), Is.EqualTo(Enterprise));
        Assert.That(first.GetProperty("reports").GetInt64(), Is.EqualTo(40));
        Assert.That(first.GetProperty("topReasons")[0].GetProperty("feature").GetString(), Is.Not.Empty);
        Assert.That(top.GetProperty("limit").GetInt32(), Is.EqualTo(5));
        Assert.That(top.GetProperty("nextOffset").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task GetTrend_ArrowAccepted_ArrowStreamWithSameRowsAsJson()
    {
        var path = $"/api/v1/risk/trend?enterprise={Enterprise}&bucket=hour&from={Iso(_start.AddHours(-1))}";
        var json = await GetJsonAsync(path);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.apache.arrow.stream"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _server.TokenAsync(AnalystKey));

        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/vnd.apache.arrow.stream"));
        using var reader = new ArrowStreamReader(await response.Content.ReadAsStreamAsync());
        using var batch = await reader.ReadNextRecordBatchAsync();
        Assert.That(batch.Schema.FieldsList.Select(f => f.Name), Is.EqualTo(new[] { "bucket", "scores", "meanScore", "maxScore", "enterprises" }));
        Assert.That(batch.Length, Is.EqualTo(json.GetProperty("items").GetArrayLength()));
        Assert.That(batch.Length, Is.GreaterThan(0));
    }

    [Test]
    public async Task GetHeatAndStatistics_Jurisdiction_CellsAndCounts()
    {
        var heat = await GetJsonAsync($"/api/v1/risk/heat?region=35&digits=4&from={Iso(_start)}");
        var stats = await GetJsonAsync($"/api/v1/risk/alert-statistics?region=35&from={Iso(_start.AddHours(-1))}");

        Assert.That(heat.GetProperty("items")[0].GetProperty("region").GetString(), Is.EqualTo("3501"));
        Assert.That(stats.GetProperty("alerts").GetInt64(), Is.GreaterThanOrEqualTo(1));
        Assert.That(stats.GetProperty("bySeverity").GetArrayLength(), Is.EqualTo(3));
    }

    [TestCase("/api/v1/risk/trend?bucket=month", "bucket")]
    [TestCase("/api/v1/risk/trend?region=3x", "region")]
    [TestCase("/api/v1/risk/trend?sector=fish", "sector")]
    [TestCase("/api/v1/risk/trend?enterprise=91350100M000100Y44", "enterprise")]
    [TestCase("/api/v1/risk/trend?from=yesterday", "from")]
    [TestCase("/api/v1/risk/trend?from=2026-01-01T00:00:00Z&to=2025-01-01T00:00:00Z", "from")]
    [TestCase("/api/v1/risk/trend?limit=5", "limit")]
    [TestCase("/api/v1/risk/top?limit=0", "limit")]
    [TestCase("/api/v1/risk/top?offset=-1", "offset")]
    [TestCase("/api/v1/risk/top?region=35&region=36", "region")]
    [TestCase("/api/v1/risk/heat?digits=3", "digits")]
    [TestCase("/api/v1/risk/timeline", "enterprise")]
    [TestCase("/api/v1/risk/timeline?enterprise=x'%20OR%201=1", "enterprise")]
    [TestCase("/api/v1/alerts?region=35'--", "region")]
    public async Task Get_BadParameter_Is400NamingIt(string path, string parameter)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _server.TokenAsync(AnalystKey));
        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.That(problem.GetProperty("errors").EnumerateObject().Select(p => p.Name), Does.Contain(parameter));
    }

    [Test]
    public async Task GetTimeline_NoPrivilege_PhoneNumberMasked()
    {
        var timeline = await GetJsonAsync($"/api/v1/risk/timeline?enterprise={Enterprise}&from={Iso(_start)}&limit=500", AnalystKey);

        var reports = timeline.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "report").ToList();
        Assert.That(reports, Has.Count.EqualTo(40));
        Assert.That(timeline.ToString(), Does.Not.Contain(Phone));
        Assert.That(reports[0].GetProperty("detail").GetString(), Does.Contain("139********"));
    }

    [Test]
    public async Task GetTimeline_Supervisor_PhoneNumberVisible()
    {
        var timeline = await GetJsonAsync($"/api/v1/risk/timeline?enterprise={Enterprise}&from={Iso(_start)}&limit=5", SupervisorKey);

        Assert.That(timeline.GetProperty("items")[0].GetProperty("detail").GetString() + timeline.ToString(), Does.Contain(Phone));
    }

    [Test]
    public async Task GetAudit_Supervisor_SeesWhoAskedWhatAndHowManyRows()
    {
        var marker = Iso(_start.AddMinutes(-7));
        await GetJsonAsync($"/api/v1/risk/top?region=35&from={marker}&limit=3", AnalystKey);

        var record = await SupervisionServer.EventuallyAsync(async () =>
        {
            var audit = await GetJsonAsync("/api/v1/risk/audit?caller=analyst-35&limit=1000", SupervisorKey);
            return audit.GetProperty("items").EnumerateArray()
                .Where(r => r.GetProperty("query").GetString()!.Contains(Uri.EscapeDataString(marker), StringComparison.Ordinal) || r.GetProperty("query").GetString()!.Contains(marker, StringComparison.Ordinal))
                .Select(r => (JsonElement?)r).FirstOrDefault() is { } found ? found.ToString() : null;
        }, TimeSpan.FromSeconds(10), "the audit record of the query");

        var parsed = JsonDocument.Parse(record).RootElement;
        Assert.That(parsed.GetProperty("caller").GetString(), Is.EqualTo("analyst-35"));
        Assert.That(parsed.GetProperty("role").GetString(), Is.EqualTo("analyst"));
        Assert.That(parsed.GetProperty("rows").GetInt64(), Is.EqualTo(1));
        Assert.That(parsed.GetProperty("masked").GetBoolean(), Is.True);
        Assert.That(parsed.GetProperty("query").GetString(), Does.StartWith("/api/v1/risk/top?"));
    }

    [Test]
    public async Task GetAudit_AnalystRole_Is403NamingTheRoleNeeded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/risk/audit");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _server.TokenAsync(AnalystKey));

        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo("this needs one of the roles supervisor; you are 'analyst-35' (analyst)"));
    }

    [Test]
    public async Task Get_OldAnalystKeyHeader_Is401SayingHowToMove()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/risk/top");
        request.Headers.Add("X-Analyst-Key", "analyst-key-0123456789");

        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.That(problem.GetProperty("detail").GetString(), Does.StartWith("X-Analyst-Key is no longer accepted: analyst keys were replaced by personal access tokens"));
    }

    [Test]
    public async Task Acknowledge_OpenAlert_ShowsAcknowledgedWithTimeToAcknowledgeAndAudit()
    {
        var alerts = await GetJsonAsync($"/api/v1/alerts?region=3501&from={Iso(_start.AddHours(-1))}");
        var id = alerts.EnumerateArray().First(a => a.GetProperty("enterpriseId").GetString() == Enterprise).GetProperty("alertId").GetString()!;

        Assert.That(await PostStatusAsync($"/api/v1/alerts/{id}/acknowledge", null), Is.EqualTo(HttpStatusCode.Unauthorized), "nobody acknowledges without signing in");
        Assert.That(await PostStatusAsync($"/api/v1/alerts/{id}/acknowledge", AnalystKey), Is.EqualTo(HttpStatusCode.Forbidden), "analysts query, inspectors act");
        Assert.That(await PostStatusAsync("/api/v1/alerts/al-XYZ/acknowledge", TestUsers.Inspector3501), Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await PostStatusAsync("/api/v1/alerts/al-0000000000000000/acknowledge", TestUsers.Inspector3501), Is.EqualTo(HttpStatusCode.NotFound));

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/alerts/{id}/acknowledge");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _server.TokenAsync(TestUsers.Inspector3501));
        using var response = await _client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var acknowledged = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.That(acknowledged.GetProperty("alertId").GetString(), Is.EqualTo(id));
        Assert.That(acknowledged.GetProperty("status").GetString(), Is.EqualTo("acknowledged"));
        Assert.That(await PostStatusAsync($"/api/v1/alerts/{id}/acknowledge", SupervisorKey), Is.EqualTo(HttpStatusCode.OK), "acknowledging twice is harmless");

        await SupervisionServer.EventuallyAsync(async () =>
        {
            var stored = await GetJsonAsync($"/api/v1/alerts?region=3501&from={Iso(_start.AddHours(-1))}");
            var stats = await GetJsonAsync($"/api/v1/risk/alert-statistics?enterprise={Enterprise}&from={Iso(_start.AddHours(-1))}");
            var shown = stored.EnumerateArray().First(a => a.GetProperty("alertId").GetString() == id).GetProperty("status").GetString();
            return shown == "acknowledged" && stats.GetProperty("acknowledged").GetInt64() == 1 && stats.GetProperty("meanSecondsToAcknowledge").ValueKind == JsonValueKind.Number
                ? "stored" : null;
        }, TimeSpan.FromSeconds(10), "the acknowledgement in history and statistics");
        await SupervisionServer.EventuallyAsync(async () =>
        {
            var audit = await GetJsonAsync("/api/v1/risk/audit?caller=inspector-3501&limit=1000", SupervisorKey);
            return audit.GetProperty("items").EnumerateArray().Any(a => a.GetProperty("query").GetString() == $"POST /api/v1/alerts/{id}/acknowledge -> 200") ? "audited" : null;
        }, TimeSpan.FromSeconds(10), "the acknowledgement in the audit trail");
    }

    private async Task<HttpStatusCode> PostStatusAsync(string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _server.TokenAsync(key));
        }
        using var response = await _client.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<JsonElement> GetJsonAsync(string path, string key = AnalystKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _server.TokenAsync(key));
        using var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string Iso(DateTimeOffset at) => Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
}

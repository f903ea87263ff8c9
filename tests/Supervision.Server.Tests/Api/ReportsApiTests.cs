using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Supervision.Server.Tests.Api;

[Category("Integration")]
public class ReportsApiTests
{
    private const string Enterprise = "91350100M000100Y43";
    private SupervisionServer _server = null!;
    private HttpClient _client = null!;
    private HttpClient _reader = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _server = new SupervisionServer(new Dictionary<string, string?> { ["Supervision:MaxBodyBytes"] = "65536" });
        _client = _server.NewClient();
        _reader = await _server.ClientAsync(TestUsers.Supervisor);
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _client.Dispose();
        _reader.Dispose();
        _server.Dispose();
    }

    private Task<HttpResponseMessage> PostAsync(string body, string contentType)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return _client.PostAsync("/api/v1/reports", content);
    }

    [Test]
    public async Task PostReports_ViolatingSeries_AlertReachesSignalRAndHistory()
    {
        var received = new List<JsonElement>();
        var firstAlert = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = await _server.HubAsync(TestUsers.Supervisor, "3501");
        hub.On<JsonElement>("alert", alert =>
        {
            lock (received)
            {
                received.Add(alert);
            }
            firstAlert.TrySetResult(alert);
        });
        await hub.StartAsync();

        var start = DateTimeOffset.UtcNow.AddHours(-2);
        using var response = await PostAsync(SupervisionServer.ViolatingSeries(Enterprise, "350102", start, 12), "application/x-ndjson");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        using var ack = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(ack.RootElement.GetProperty("accepted").GetInt32(), Is.EqualTo(12));
        Assert.That(ack.RootElement.GetProperty("duplicates").GetInt32(), Is.EqualTo(0));
        Assert.That(ack.RootElement.GetProperty("rejected").GetArrayLength(), Is.EqualTo(0));

        var alert = await firstAlert.Task.WaitAsync(TimeSpan.FromSeconds(20));
        string[] contract = ["alertId", "key", "enterpriseId", "region", "sector", "kind", "severity", "status", "riskScore", "ruleId", "modelVersion", "explanation", "firstSeen", "lastSeen", "count"];
        foreach (var field in contract)
        {
            Assert.That(alert.TryGetProperty(field, out _), Is.True, $"alert lacks '{field}': {alert}");
        }
        Assert.That(alert.GetProperty("enterpriseId").GetString(), Is.EqualTo(Enterprise));
        Assert.That(alert.GetProperty("region").GetString(), Is.EqualTo("350102"));
        Assert.That(alert.GetProperty("sector").GetString(), Is.EqualTo("food"));
        Assert.That(alert.GetProperty("kind").GetString(), Is.EqualTo("food.coldchain"));
        Assert.That(alert.GetProperty("severity").GetString(), Is.EqualTo("warning"));
        Assert.That(alert.GetProperty("status").GetString(), Is.EqualTo("open"));
        Assert.That(alert.GetProperty("ruleId").GetString(), Is.EqualTo("haccp.frozen.max"));
        Assert.That(alert.GetProperty("modelVersion").GetString(), Does.Match(@"^food@\d+$"), "food enterprises are scored by the food model");
        Assert.That(alert.GetProperty("riskScore").GetDouble(), Is.InRange(0.0, 1.0));
        Assert.That(alert.GetProperty("count").GetInt32(), Is.EqualTo(1));
        var explanation = alert.GetProperty("explanation")[0];
        Assert.That(explanation.GetProperty("feature").GetString(), Is.EqualTo("temperatureC"));
        Assert.That(explanation.GetProperty("value").GetDouble(), Is.EqualTo(-12.5));
        Assert.That(explanation.GetProperty("limit").GetDouble(), Is.EqualTo(-18));
        // After the rule's evidence come the model's reasons: features of the score with their contributions.
        var reasons = alert.GetProperty("explanation").EnumerateArray().Where(e => e.GetProperty("contribution").ValueKind == JsonValueKind.Number).ToList();
        Assert.That(reasons, Is.Not.Empty, $"no model contribution in {alert}");
        Assert.That(reasons.Select(r => r.GetProperty("contribution").GetDouble()), Is.All.GreaterThan(0));
        Assert.That(reasons.Select(r => r.GetProperty("feature").GetString()), Is.SubsetOf(Supervision.Scoring.Features.RiskFeatures.Names));

        // Minute 10 opens the alert and minute 11 extends it: two messages for one alert, nothing else.
        var alertId = alert.GetProperty("alertId").GetString();
        await SupervisionServer.EventuallyAsync(() => Task.FromResult(received.Count >= 2 ? received : null), TimeSpan.FromSeconds(10), "the second alert message");
        Assert.That(received.Select(a => a.GetProperty("alertId").GetString()).Distinct(), Is.EqualTo(new[] { alertId }));

        var stored = await SupervisionServer.EventuallyAsync(async () =>
        {
            var list = await _reader.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?region=3501&from={Uri.EscapeDataString(start.AddHours(-1).ToString("O"))}");
            return list.EnumerateArray().FirstOrDefault(a => a.GetProperty("alertId").GetString() == alertId) is { ValueKind: JsonValueKind.Object } found && found.GetProperty("count").GetInt32() == 2
                ? (object)found : null;
        }, TimeSpan.FromSeconds(10), "the alert in history");
        var storedAlert = (JsonElement)stored;
        Assert.That(storedAlert.GetProperty("lastSeen").GetDateTimeOffset(), Is.EqualTo(start.AddMinutes(11)).Within(TimeSpan.FromSeconds(1)));
        Assert.That(File.Exists(Path.Combine(_server.DataDirectory, "supervision.duckdb")), Is.True);
    }

    [TestCase("drug", "drug.storage", """{"warehouseId":"W-03","storageClass":"cold","temperatureC":14.2}""", 11, "chp.drug.storage.cold")]
    [TestCase("agri", "agri.residue", """{"commodity":"韭菜","pesticide":"腐霉利","valueMgKg":0.9}""", 1, "gb2763.residue.mrl")]
    public async Task PostReports_DrugAndAgriViolations_AlertScoredByTheirSectorsModel(string sector, string kind, string payload, int minutes, string rule)
    {
        // Distinct enterprises per case (valid USCCs in 福州 with different organisation codes).
        var enterprise = sector == "drug" ? "91350100MA2XN0RX7P" : "91350100MA31XCR807";
        var start = DateTimeOffset.UtcNow.AddHours(-4);
        var body = new StringBuilder();
        for (var m = 0; m < minutes; m++)
        {
            var at = start.AddMinutes(m).ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture);
            body.Append(System.Globalization.CultureInfo.InvariantCulture,
                $$$"""{"reportId":"{{{sector}}}-{{{m}}}","enterpriseId":"{{{enterprise}}}","region":"350104","sector":"{{{sector}}}","kind":"{{{kind}}}","observedAt":"{{{at}}}","payload":{{{payload}}}}""").Append('\n');
        }
        using var response = await PostAsync(body.ToString(), "application/x-ndjson");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());

        var alert = (JsonElement)await SupervisionServer.EventuallyAsync(async () =>
        {
            var list = await _reader.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?region=350104&from={Uri.EscapeDataString(start.AddHours(-1).ToString("O"))}");
            return list.EnumerateArray().FirstOrDefault(a => a.GetProperty("enterpriseId").GetString() == enterprise) is { ValueKind: JsonValueKind.Object } found ? (object)found : null;
        }, TimeSpan.FromSeconds(10), $"the {sector} alert");
        Assert.That(alert.GetProperty("ruleId").GetString(), Is.EqualTo(rule));
        Assert.That(alert.GetProperty("sector").GetString(), Is.EqualTo(sector));
        Assert.That(alert.GetProperty("modelVersion").GetString(), Does.Match($@"^{sector}@\d+$"), $"{sector} enterprises are scored by the {sector} model");
        Assert.That(alert.GetProperty("riskScore").GetDouble(), Is.GreaterThan(0));
        var reasons = alert.GetProperty("explanation").EnumerateArray().Where(e => e.GetProperty("contribution").ValueKind == JsonValueKind.Number).ToList();
        Assert.That(reasons, Is.Not.Empty, $"no model contribution in {alert}");
    }

    [Test]
    public async Task GetAlerts_OtherJurisdiction_DoesNotSeeIt()
    {
        var start = DateTimeOffset.UtcNow.AddHours(-3);
        using var response = await PostAsync(SupervisionServer.ViolatingSeries("91110000600037341L", "110105", start, 11, "F-77"), "application/x-ndjson");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await SupervisionServer.EventuallyAsync(async () =>
        {
            var list = await _reader.GetFromJsonAsync<JsonElement>("/api/v1/alerts?region=11&from=" + Uri.EscapeDataString(start.ToString("O")));
            return list.GetArrayLength() > 0 ? (object)list : null;
        }, TimeSpan.FromSeconds(10), "the Beijing alert");
        var fujian = await _reader.GetFromJsonAsync<JsonElement>("/api/v1/alerts?region=35&from=" + Uri.EscapeDataString(start.ToString("O")));
        Assert.That(fujian.EnumerateArray().Any(a => a.GetProperty("region").GetString()!.StartsWith("11", StringComparison.Ordinal)), Is.False);
    }

    [Test]
    public async Task PostReports_MixedBatch_RejectsBadRecordsByIndexAndField()
    {
        var now = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture);
        string Envelope(string id, string enterprise, string region, string kind, string observedAt) =>
            $$$"""{"reportId":"{{{id}}}","enterpriseId":"{{{enterprise}}}","region":"{{{region}}}","sector":"food","kind":"{{{kind}}}","observedAt":"{{{observedAt}}}","payload":{"deviceId":"F-1","storageClass":"frozen","temperatureC":-20}}""";
        var body = "[" + string.Join(",",
            Envelope("ok-1", Enterprise, "350102", "food.coldchain", now),
            Envelope("bad-kind", Enterprise, "350102", "food.unknown", now),
            Envelope("bad-uscc", "91350100M000100Y44", "350102", "food.coldchain", now),
            Envelope("bad-region", Enterprise, "35010", "food.coldchain", now),
            Envelope("no-offset", Enterprise, "350102", "food.coldchain", "2026-11-27T09:00:00"),
            Envelope("ok-2", Enterprise, "350102", "food.coldchain", now)) + "]";
        using var response = await PostAsync(body, "application/json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var ack = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(ack.GetProperty("accepted").GetInt32(), Is.EqualTo(2));
        var rejected = ack.GetProperty("rejected").EnumerateArray()
            .Select(r => (r.GetProperty("index").GetInt32(), r.GetProperty("reportId").GetString(), r.GetProperty("errors")[0].GetProperty("field").GetString()))
            .ToArray();
        Assert.That(rejected, Is.EqualTo(new[]
        {
            (1, "bad-kind", "kind"), (2, "bad-uscc", "enterpriseId"), (3, "bad-region", "region"), (4, "no-offset", "observedAt"),
        }));
    }

    [Test]
    public async Task PostReports_WithProfile_MapsRegionalRecords()
    {
        var time = DateTimeOffset.UtcNow.AddHours(8).AddMinutes(-30).ToString("yyyy/MM/dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var body = $$$"""[{"recordNo":"PI-1","creditCode":"{{{Enterprise}}}","areaCode":"350102","type":"COLD_TEMP","time":"{{{time}}}","device":"C-1","mode":"冷冻","tempF":-4}]""";
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _client.PostAsync("/api/v1/reports?profile=port-import-coldchain", content);
        var ack = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(ack.GetProperty("accepted").GetInt32(), Is.EqualTo(1), ack.ToString());
        var profiles = await _client.GetFromJsonAsync<JsonElement>("/api/v1/profiles");
        Assert.That(profiles.EnumerateArray().Select(p => p.GetProperty("name").GetString()), Is.EqualTo(new[] { "county-agri-residue", "port-import-coldchain" }));
    }

    [Test]
    public async Task PostReports_UnknownProfile_Is400ListingProfiles()
    {
        using var response = await _client.PostAsync("/api/v1/reports?profile=atlantis", new StringContent("[]", Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo("profile 'atlantis' is not in service; available: county-agri-residue, port-import-coldchain"));
    }

    [Test]
    public async Task PostReports_UnparseableBody_Is400ProblemDetails()
    {
        using var response = await PostAsync("[{\"reportId\": ", "application/json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("detail").GetString(), Does.StartWith("body is not valid JSON at line 1"));
    }

    [Test]
    public async Task PostReports_UnknownContentType_Is415()
    {
        using var response = await PostAsync("<reports/>", "application/xml");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("application/xml"));
    }

    [Test]
    public async Task PostReports_OverSizeLimit_Is413()
    {
        using var response = await PostAsync("[" + new string(' ', 70_000) + "]", "application/json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [TestCase("region=3", "region")]
    [TestCase("limit=0", "limit")]
    [TestCase("from=yesterday", "from")]
    public async Task GetAlerts_BadParameter_Is400NamingIt(string query, string parameter)
    {
        using var response = await _reader.GetAsync("/api/v1/alerts?" + query);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").TryGetProperty(parameter, out _), Is.True, problem.ToString());
    }

    [Test]
    public async Task Healthz_WhenReady_Is200()
    {
        await SupervisionServer.EventuallyAsync(async () =>
        {
            using var response = await _client.GetAsync("/healthz");
            return response.StatusCode == HttpStatusCode.OK ? response.StatusCode.ToString() : null;
        }, TimeSpan.FromSeconds(10), "healthz");
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Supervision.Server.Tests.Api;

[Category("Integration")]
public class EnterpriseRiskApiTests
{
    private const string Enterprise = "91110000600037341L";
    private SupervisionServer _server = null!;
    private HttpClient _client = null!;
    private HttpClient _reader = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _server = new SupervisionServer();
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

    [Test]
    public async Task GetRisk_AfterSustainedExcursion_ShowsWorseGradeReasonsAndStoredHistory()
    {
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        var content = new StringContent(SupervisionServer.ViolatingSeries(Enterprise, "110101", start, 12), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var response = await _client.PostAsync("/api/v1/reports", content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

        // The first report grades the enterprise (every reading is over the limit, so the score is already high);
        // the alert at minute 10 can only keep or worsen it. Grade changes reach the store in batches.
        var risk = await SupervisionServer.EventuallyAsync(async () =>
        {
            using var reply = await _reader.GetAsync($"/api/v1/enterprises/{Enterprise}/risk");
            return reply.StatusCode == HttpStatusCode.OK && await reply.Content.ReadFromJsonAsync<JsonElement>() is { } body && body.GetProperty("history").GetArrayLength() >= 1
                ? (object)body : null;
        }, TimeSpan.FromSeconds(20), "a stored grade change");
        var json = (JsonElement)risk;
        TestContext.Out.WriteLine(json.ToString());

        Assert.That(json.GetProperty("enterpriseId").GetString(), Is.EqualTo(Enterprise));
        Assert.That(json.GetProperty("sector").GetString(), Is.EqualTo("food"));
        Assert.That(json.GetProperty("grade").GetString(), Is.AnyOf("B", "C", "D"));
        Assert.That(json.GetProperty("score").GetDouble(), Is.InRange(0.0, 1.0));
        Assert.That(json.GetProperty("modelVersion").GetString(), Does.Match(@"^food@\d+$"));
        Assert.That(json.GetProperty("reasons")[0].GetProperty("feature").GetString(), Is.AnyOf("alerts7d", "riskScore"));
        Assert.That(json.GetProperty("reasons").EnumerateArray().Skip(1).Select(r => r.GetProperty("contribution").GetDouble()), Is.Not.Empty.And.All.GreaterThan(0), "the model's reasons follow the deciding one");
        var history = json.GetProperty("history").EnumerateArray().ToList();
        Assert.That(history[0].GetProperty("to").GetString(), Is.EqualTo(json.GetProperty("grade").GetString()), "newest first");
        Assert.That(history[^1].GetProperty("from").ValueKind, Is.EqualTo(JsonValueKind.Null), "the first grade has no 'from'");
    }

    [Test]
    public async Task GetRisk_MalformedUscc_Is400NamingTheId()
    {
        using var response = await _reader.GetAsync("/api/v1/enterprises/91350100M000100Y44/risk");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("errors").GetProperty("id")[0].GetString(), Does.Contain("check character"));
    }

    [Test]
    public async Task GetRisk_UnknownEnterprise_Is404()
    {
        using var response = await _reader.GetAsync("/api/v1/enterprises/91350100M000100Y43/risk");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}

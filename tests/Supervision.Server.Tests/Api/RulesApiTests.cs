using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Supervision.Server.Tests.Api;

/// <summary>Hot reload of rule options and data: the watched rules file, the admin endpoint, a bad file keeping the last good set.</summary>
[Category("Integration")]
public class RulesApiTests
{
    private SupervisionServer _server = null!;
    private HttpClient _client = null!;

    [SetUp]
    public async Task StartServer()
    {
        _server = new SupervisionServer();
        // Rules and the engine are the admin's; reading the alerts back, a supervisor of the whole country.
        _client = await _server.ClientAsync(TestUsers.Admin);
        _supervisor = await _server.ClientAsync(TestUsers.Supervisor);
    }

    private HttpClient _supervisor = null!;

    [TearDown]
    public void StopServer()
    {
        _client.Dispose();
        _supervisor.Dispose();
        _server.Dispose();
    }

    private async Task<string> VersionAsync() => (await _client.GetFromJsonAsync<JsonElement>("/api/v1/admin/rules")).GetProperty("version").GetString()!;

    private string WriteLimits(string name, string text)
    {
        var path = Path.Combine(_server.DataDirectory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task PostResidueAsync(string id, double value)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture);
        var body = $$$"""{"reportId":"{{{id}}}","enterpriseId":"91350100M000100Y43","region":"350102","sector":"agri","kind":"agri.residue","observedAt":"{{{at}}}","payload":{"commodity":"韭菜","pesticide":"腐霉利","valueMgKg":{{{value}}}}}""";
        using var response = await _client.PostAsync("/api/v1/reports", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
    }

    [Test]
    public async Task GetRules_ListsEveryRuleWithItsIds()
    {
        var rules = await _client.GetFromJsonAsync<JsonElement>("/api/v1/admin/rules");
        var ids = rules.GetProperty("rules").EnumerateArray().SelectMany(r => r.GetProperty("ids").EnumerateArray().Select(i => i.GetString())).ToList();
        Assert.That(ids, Has.Count.GreaterThanOrEqualTo(20));
        Assert.That(ids, Does.Contain("device.silent").And.Contain("tsg.inspection.calendar").And.Contain("recall.batch.moved").And.Contain("agri.trace.break"));
        Assert.That(rules.GetProperty("version").GetString(), Does.StartWith("rules@"));
    }

    [Test]
    public async Task RulesFile_Written_NewLimitsInForceWithoutRestartAndOnTheAlert()
    {
        var before = await VersionAsync();
        await PostResidueAsync("res-1", 0.15);
        var limits = WriteLimits("limits.csv", "pesticide,food,mrlMgKg\n腐霉利,韭菜,0.1\n");
        File.WriteAllText(Path.Combine(_server.DataDirectory, "rules.json"), JsonSerializer.Serialize(new { ResidueLimitsFile = limits }));

        var after = await SupervisionServer.EventuallyAsync(async () => await VersionAsync() is var v && v != before ? v : null, TimeSpan.FromSeconds(20), "the rules file to be picked up");
        await PostResidueAsync("res-2", 0.15);
        var alert = (JsonElement)await SupervisionServer.EventuallyAsync(async () =>
        {
            var alerts = await _supervisor.GetFromJsonAsync<JsonElement>("/api/v1/alerts?from=2000-01-01T00:00:00Z");
            return alerts.EnumerateArray().Where(a => a.GetProperty("ruleId").GetString() == "gb2763.residue.mrl").Select(a => (object)a).FirstOrDefault();
        }, TimeSpan.FromSeconds(20), "the residue alert under the new limit");
        Assert.That(alert.GetProperty("ruleVersion").GetString(), Is.EqualTo(after), "the alert records the rule set that judged it");
        Assert.That(alert.GetProperty("count").GetInt32(), Is.EqualTo(1), "0.15 mg/kg passed the sample table's limit and fails the reloaded one");
    }

    [Test]
    public async Task Reload_BadDataFile_Is422NamingFileAndLineAndTheLastGoodSetStays()
    {
        var before = await VersionAsync();
        var limits = WriteLimits("limits.csv", "pesticide,food,mrlMgKg\n腐霉利,韭菜,lots\n");
        File.WriteAllText(Path.Combine(_server.DataDirectory, "rules.json"), JsonSerializer.Serialize(new { ResidueLimitsFile = limits }));

        using var response = await _client.PostAsync("/api/v1/admin/rules/reload", null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(body.GetProperty("error").GetString(), Is.EqualTo($"Rules:ResidueLimitsFile / Rules:FoodClassificationFile: {limits} line 2: mrlMgKg 'lots' is not a positive number"));
        Assert.That(body.GetProperty("version").GetString(), Is.EqualTo(before));
        var rules = await _client.GetFromJsonAsync<JsonElement>("/api/v1/admin/rules");
        Assert.That(rules.GetProperty("version").GetString(), Is.EqualTo(before));
        Assert.That(rules.GetProperty("lastError").GetString(), Does.Contain("line 2"));
    }

    [Test]
    public async Task GetEngine_ShowsClockStateSizesAndLateReports()
    {
        await PostResidueAsync("res-1", 0.01);
        var engine = (JsonElement)await SupervisionServer.EventuallyAsync(async () =>
        {
            var e = await _client.GetFromJsonAsync<JsonElement>("/api/v1/admin/engine");
            return e.GetProperty("state").GetProperty("enterprises").GetInt64() == 1 ? (object)e : null;
        }, TimeSpan.FromSeconds(20), "the engine to take the report");
        Assert.That(engine.GetProperty("state").GetProperty("subjects:agri.residue").GetInt64(), Is.EqualTo(1));
        Assert.That(engine.GetProperty("lateReports").GetProperty("agri.residue").GetInt64(), Is.Zero);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Supervision.Server.Tests.Api;

[Category("Integration")]
public class AdminApiTests
{
    private string _models = null!;
    private SupervisionServer _server = null!;
    private HttpClient _client = null!;

    [SetUp]
    public async Task StartServer()
    {
        // A copy of the committed models, so the test can break and replace files.
        _models = Path.Combine(Path.GetTempPath(), "supervision-admin-models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_models);
        foreach (var file in Directory.GetFiles(Path.Combine(SupervisionServer.RepositoryRoot, "models")))
        {
            File.Copy(file, Path.Combine(_models, Path.GetFileName(file)));
        }
        _server = new SupervisionServer(new Dictionary<string, string?> { ["Supervision:ModelsDirectory"] = _models });
        _client = await _server.ClientAsync(TestUsers.Admin);
    }

    [TearDown]
    public void StopServer()
    {
        _client.Dispose();
        _server.Dispose();
        Directory.Delete(_models, recursive: true);
    }

    [Test]
    public async Task ReloadModels_CorruptFileDropped_Is422AndLastGoodModelServes()
    {
        var before = await _client.GetFromJsonAsync<JsonElement>("/api/v1/admin/models");
        var food = before.GetProperty("inService").EnumerateArray().Select(e => e.GetString()).Single(t => t!.StartsWith("food@", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(_models, "food.zip"), "not a zip");
        File.SetLastWriteTimeUtc(Path.Combine(_models, "food.zip"), DateTime.UtcNow.AddMinutes(1));

        using var response = await _client.PostAsync("/api/v1/admin/models/reload", null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var foodResult = body.GetProperty("sectors").EnumerateArray().Single(s => s.GetProperty("sector").GetString() == "food");
        Assert.That(foodResult.GetProperty("status").GetString(), Is.EqualTo("failed"));
        Assert.That(foodResult.GetProperty("error").GetString(), Does.Contain("is not a loadable ML.NET model").And.EndWith($"{food} stays in service"));
        Assert.That(body.GetProperty("inService").EnumerateArray().Select(e => e.GetString()), Does.Contain(food));
    }

    [Test]
    public async Task ReloadModels_NewVersionDropped_GoesIntoServiceWithoutRestart()
    {
        var info = Path.Combine(_models, "equipment.json");
        var json = File.ReadAllText(info);
        var version = JsonDocument.Parse(json).RootElement.GetProperty("version").GetInt32();
        File.WriteAllText(info, json.Replace($"\"version\": {version}", $"\"version\": {version + 1}", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(info, DateTime.UtcNow.AddMinutes(1));

        using var response = await _client.PostAsync("/api/v1/admin/models/reload", null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var after = await _client.GetFromJsonAsync<JsonElement>("/api/v1/admin/models");
        Assert.That(after.GetProperty("inService").EnumerateArray().Select(e => e.GetString()), Does.Contain($"equipment@{version + 1}"));
    }
}

using System.Net;
using System.Text;
using System.Text.Json;

namespace Supervision.Server.Tests.Api;

/// <summary>The server with <c>Storage:Backend=clickhouse</c> against the real ClickHouse server tests/run.sh starts.</summary>
[Category("Integration")]
public class ClickHouseBackendTests
{
    [Test]
    public async Task PostReports_ClickHouseBackend_TopQueryAnswersFromClickHouse()
    {
        var url = Environment.GetEnvironmentVariable("SUPERVISION_CLICKHOUSE_URL") is { Length: > 0 } u
            ? new Uri(u)
            : throw new AssertionException("SUPERVISION_CLICKHOUSE_URL is not set: run tests/run.sh (it installs and starts ClickHouse) or point it at a ClickHouse server");
        var database = "server_" + Guid.NewGuid().ToString("N")[..12];
        using var server = new SupervisionServer(new Dictionary<string, string?>
        {
            ["Storage:Backend"] = "clickhouse",
            ["Storage:ClickHouse:ConnectionString"] = $"Host={url.Host};Port={url.Port};Database={database}",
        });
        using var client = server.NewClient();
        using var analyst = await server.ClientAsync(TestUsers.Analyst35);
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        try
        {
            using var posted = await client.PostAsync("/api/v1/reports",
                new StringContent(SupervisionServer.ViolatingSeries("91350100M000100Y43", "350102", start, 25), Encoding.UTF8, "application/x-ndjson"));
            Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

            var from = Uri.EscapeDataString(start.AddMinutes(-1).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
            var top = await SupervisionServer.EventuallyAsync(async () =>
            {
                var body = await analyst.GetStringAsync($"/api/v1/risk/top?region=35&from={from}");
                var items = JsonDocument.Parse(body).RootElement.GetProperty("items");
                return items.GetArrayLength() > 0 && items[0].GetProperty("reports").GetInt64() == 25 ? body : null;
            }, TimeSpan.FromSeconds(30), "the top query to see the enterprise and its 25 reports in ClickHouse");

            Assert.That(top, Does.Contain("91350100M000100Y43"));
            using var http = new HttpClient();
            var stored = await http.GetStringAsync(new Uri(url, $"/?query={Uri.EscapeDataString($"SELECT count() FROM {database}.reports")}"));
            Assert.That(stored.Trim(), Is.EqualTo("25"));
        }
        finally
        {
            using var http = new HttpClient();
            await http.PostAsync(url, new StringContent($"DROP DATABASE IF EXISTS {database}"));
        }
    }
}

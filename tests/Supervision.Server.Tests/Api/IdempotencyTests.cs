using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Supervision.Server.Tests.Api;

[Category("Integration")]
public class IdempotencyTests
{
    private static async Task<JsonElement> PostAsync(HttpClient client, string ndjson)
    {
        var content = new StringContent(ndjson, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var response = await client.PostAsync("/api/v1/reports", content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static (int Accepted, int Duplicates) Counts(JsonElement ack) =>
        (ack.GetProperty("accepted").GetInt32(), ack.GetProperty("duplicates").GetInt32());

    [Test]
    public async Task PostReports_Resent_CountsDuplicatesAcrossBatchesAndRestarts()
    {
        var data = SupervisionServer.NewDataDirectory();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var first = SupervisionServer.ViolatingSeries("91350100M000100Y43", "350102", start, 5, "F-1");
        var overlapping = SupervisionServer.ViolatingSeries("91350100M000100Y43", "350102", start, 8, "F-1");
        try
        {
            using (var server = new SupervisionServer(dataDirectory: data))
            using (var client = server.NewClient())
            {
                Assert.That(Counts(await PostAsync(client, first)), Is.EqualTo((5, 0)));
                Assert.That(Counts(await PostAsync(client, overlapping)), Is.EqualTo((3, 5)));
                // The same ids from another enterprise are other reports.
                Assert.That(Counts(await PostAsync(client, first.Replace("91350100M000100Y43", "91110000600037341L", StringComparison.Ordinal))), Is.EqualTo((5, 0)));
                await SupervisionServer.EventuallyAsync(async () =>
                {
                    var health = await client.GetFromJsonAsync<JsonElement>("/healthz");
                    return health.GetProperty("pendingWrites").GetInt64() == 0 && health.GetProperty("queued").GetInt32() == 0 ? "idle" : null;
                }, TimeSpan.FromSeconds(10), "the writer to drain");
            }
            using (var restarted = new SupervisionServer(dataDirectory: data))
            using (var client = restarted.NewClient())
            {
                await SupervisionServer.EventuallyAsync(async () =>
                {
                    using var health = await client.GetAsync("/healthz");
                    return health.StatusCode == HttpStatusCode.OK ? "ready" : null;
                }, TimeSpan.FromSeconds(20), "the restarted server");
                Assert.That(Counts(await PostAsync(client, overlapping)), Is.EqualTo((0, 8)));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}

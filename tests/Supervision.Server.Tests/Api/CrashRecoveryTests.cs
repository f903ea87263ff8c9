using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;

namespace Supervision.Server.Tests.Api;

/// <summary>The server as a real process, killed with SIGKILL while a client streams reports, then restarted.</summary>
[Category("Integration")]
public class CrashRecoveryTests
{
    private string _data = null!;

    [SetUp]
    public void SetUp() => _data = SupervisionServer.NewDataDirectory();

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    [Test]
    public async Task Sigkill_MidStream_EveryAcknowledgedReportStoredExactlyOnce()
    {
        var port = ServerProcess.FreePort();
        var acknowledged = new List<string>();

        using var server = ServerProcess.Start(_data, port);
        await server.WaitHealthyAsync();
        var http = server.Http;
        using var stop = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            // One report a second per id from a day ago: far enough back that no batch reaches the future.
            var start = DateTimeOffset.UtcNow.AddDays(-1);
            for (var batch = 0; !stop.IsCancellationRequested; batch++)
            {
                var ids = Enumerable.Range(0, 50).Select(i => $"c-{batch}-{i}").ToList();
                var body = new StringBuilder();
                for (var i = 0; i < ids.Count; i++)
                {
                    var at = start.AddSeconds((batch * 50) + i).ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture);
                    body.Append(System.Globalization.CultureInfo.InvariantCulture, $$$"""{"reportId":"{{{ids[i]}}}","enterpriseId":"91350100M000100Y43","region":"350102","sector":"food","kind":"food.coldchain","observedAt":"{{{at}}}","payload":{"deviceId":"F-{{{i % 5}}}","storageClass":"frozen","temperatureC":-19.5}}""").Append('\n');
                }
                var content = new StringContent(body.ToString(), Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                try
                {
                    using var response = await http.PostAsync("/api/v1/reports", content);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        var ack = await response.Content.ReadFromJsonAsync<JsonElement>();
                        var rejected = ack.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("index").GetInt32()).ToHashSet();
                        Assert.That(rejected, Is.Empty, ack.ToString());
                        lock (acknowledged)
                        {
                            acknowledged.AddRange(ids.Where((_, i) => !rejected.Contains(i)));
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    return; // the server died under us: this batch was never acknowledged
                }
                catch (TaskCanceledException)
                {
                    return;
                }
            }
        });

        await Task.Delay(1500);
        await server.KillAsync();
        await sender.WaitAsync(TimeSpan.FromSeconds(20));
        stop.Cancel();
        Assert.That(acknowledged, Is.Not.Empty, "the client should have been acknowledged before the kill");

        using var restarted = ServerProcess.Start(_data, port);
        await restarted.WaitHealthyAsync();
        await restarted.WaitIdleAsync();
        await restarted.TerminateAsync();

        var stored = CountStored();
        TestContext.Progress.WriteLine($"crash test: {acknowledged.Count} acknowledged before SIGKILL, {stored.Count} stored after restart");
        var missing = acknowledged.Where(id => !stored.ContainsKey(id)).ToList();
        Assert.That(missing, Is.Empty, $"{missing.Count} of {acknowledged.Count} acknowledged reports are missing");
        Assert.That(stored.Where(s => s.Value != 1).Select(s => s.Key), Is.Empty, "reports stored more than once");
    }

    private Dictionary<string, long> CountStored()
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(_data, "supervision.duckdb")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT report_id, count(*) FROM reports GROUP BY report_id";
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, long>();
        while (reader.Read())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }
}

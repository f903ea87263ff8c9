using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
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
        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var acknowledged = new List<string>();

        var server = Start(port);
        await WaitHealthyAsync(http);
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
        server.Kill(); // SIGKILL: no shutdown hooks, no flushing
        await server.WaitForExitAsync();
        await sender.WaitAsync(TimeSpan.FromSeconds(20));
        stop.Cancel();
        Assert.That(acknowledged, Is.Not.Empty, "the client should have been acknowledged before the kill");

        var restarted = Start(port);
        await WaitHealthyAsync(http);
        await WaitIdleAsync(http);
        await TerminateAsync(restarted);

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

    private Process Start(int port)
    {
        var root = SupervisionServer.RepositoryRoot;
        var dll = Path.Combine(root, "src", "Supervision.Server", "bin", "Release", "net10.0", "linux-x64", "Supervision.Server.dll");
        if (!File.Exists(dll))
        {
            Assert.Fail($"{dll} is missing: build the solution in Release first (tests/run.sh does)");
        }
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, "--urls", $"http://127.0.0.1:{port}",
                "--Supervision:DataDirectory=" + _data,
                "--Supervision:Demo:Enabled=false",
                "--Supervision:Auth:Enabled=false",
                "--Supervision:ModelsDirectory=" + Path.Combine(root, "models"),
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Supervision=Information",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _data,
        };
        Directory.CreateDirectory(_data);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) TestContext.Progress.WriteLine("server: " + e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) TestContext.Progress.WriteLine("server: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient http) =>
        await SupervisionServer.EventuallyAsync(async () =>
        {
            try
            {
                using var response = await http.GetAsync("/healthz");
                return response.StatusCode == HttpStatusCode.OK ? "ok" : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, TimeSpan.FromSeconds(60), "the server to become healthy");

    private static async Task WaitIdleAsync(HttpClient http) =>
        await SupervisionServer.EventuallyAsync(async () =>
        {
            var health = await http.GetFromJsonAsync<JsonElement>("/healthz");
            return health.GetProperty("queued").GetInt32() == 0 && health.GetProperty("pendingWrites").GetInt64() == 0 ? "idle" : null;
        }, TimeSpan.FromSeconds(60), "the pipeline and writer to drain");

    private static async Task TerminateAsync(Process process)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

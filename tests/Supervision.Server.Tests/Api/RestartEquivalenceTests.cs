using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DuckDB.NET.Data;
using Supervision.Domain.Reports;
using Supervision.Simulation.Feeds;

namespace Supervision.Server.Tests.Api;

/// <summary>
/// Warm start with the real process: one stream processed straight through, and the same stream with a SIGKILL and
/// a restart in the middle, leave exactly the same alerts (ids, statuses, counts) and grade changes in history.
/// </summary>
[Category("Integration")]
public class RestartEquivalenceTests
{
    private const int AcknowledgeAfter = 12;
    private const int KillAt = 30;
    private readonly List<string> _directories = [];

    [TearDown]
    public void TearDown()
    {
        foreach (var directory in _directories.Where(Directory.Exists))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // Three hours of 150 simulated enterprises (all four sectors) from yesterday 01:00 UTC, in bodies of one
    // simulated five minutes each: event time never crosses midnight, and no body reaches the future.
    private static List<byte[]> Bodies()
    {
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-1).AddHours(1), TimeSpan.Zero);
        var generator = ReportGenerator.Create(150, 21);
        var bodies = new List<byte[]>();
        for (var block = 0; block < 36; block++)
        {
            var reports = new List<Report>();
            for (var m = 0; m < 5; m++)
            {
                generator.Tick(start.AddMinutes((block * 5) + m), TimeSpan.FromMinutes(1), reports);
            }
            var buffer = new ArrayBufferWriter<byte>();
            EnvelopeJson.WriteNdjson(reports, buffer);
            bodies.Add(buffer.WrittenSpan.ToArray());
        }
        return bodies;
    }

    private string NewDirectory()
    {
        var directory = SupervisionServer.NewDataDirectory();
        _directories.Add(directory);
        return directory;
    }

    private static ServerProcess Start(string data, int port) => ServerProcess.Start(data, port,
        "--Supervision:Engine:SnapshotInterval=00:00:01",
        "--Supervision:Engine:TickInterval=00:00:00.5");

    private static async Task<bool> PostAsync(HttpClient http, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var response = await http.PostAsync("/api/v1/reports", content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return true;
    }

    // The same action at the same place in both runs: once the engine has applied the first bodies, the open alert
    // with the smallest id is acknowledged.
    private static async Task AcknowledgeFirstOpenAsync(ServerProcess server)
    {
        await server.WaitIdleAsync();
        var token = await server.TokenAsync(TestUsers.Supervisor);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/alerts?from=2000-01-01T00:00:00Z&limit=10000");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await server.Http.SendAsync(request);
        var alerts = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = alerts.EnumerateArray().Where(a => a.GetProperty("status").GetString() == "open").Select(a => a.GetProperty("alertId").GetString()!).Order(StringComparer.Ordinal).First();
        using var ack = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/alerts/{id}/acknowledge");
        ack.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var acknowledged = await server.Http.SendAsync(ack);
        Assert.That(acknowledged.StatusCode, Is.EqualTo(HttpStatusCode.OK), await acknowledged.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Sigkill_AndRestartMidStream_SameAlertsAndGradesAsStraightThrough()
    {
        var bodies = Bodies();

        var straight = NewDirectory();
        using (var server = Start(straight, ServerProcess.FreePort()))
        {
            await server.WaitHealthyAsync();
            for (var i = 0; i < bodies.Count; i++)
            {
                await PostAsync(server.Http, bodies[i]);
                if (i == AcknowledgeAfter)
                {
                    await AcknowledgeFirstOpenAsync(server);
                }
            }
            await server.WaitIdleAsync();
            await server.TerminateAsync();
        }

        var interrupted = NewDirectory();
        var port = ServerProcess.FreePort();
        var next = 0;
        using (var first = Start(interrupted, port))
        {
            await first.WaitHealthyAsync();
            for (; next < KillAt; next++)
            {
                await PostAsync(first.Http, bodies[next]);
                if (next == AcknowledgeAfter)
                {
                    await AcknowledgeFirstOpenAsync(first);
                }
            }
            // Killed while the next body is on its way: it may or may not have been logged; the client sends it again.
            var inFlight = PostAsync(first.Http, bodies[next]);
            await Task.Delay(20);
            await first.KillAsync();
            try
            {
                await inFlight;
            }
            catch (HttpRequestException)
            {
            }
        }
        using (var second = Start(interrupted, port))
        {
            await second.WaitHealthyAsync();
            for (; next < bodies.Count; next++)
            {
                await PostAsync(second.Http, bodies[next]);
            }
            await second.WaitIdleAsync();
            await second.TerminateAsync();
        }

        var (expectedAlerts, expectedGrades) = Read(straight);
        var (alerts, grades) = Read(interrupted);
        TestContext.Progress.WriteLine($"restart equivalence: {expectedAlerts.Count} alerts ({expectedAlerts.Count(a => a.Value.Status == "acknowledged")} acknowledged), {expectedGrades.Count} grade changes");
        Assert.That(expectedAlerts.Count, Is.GreaterThan(20), "the stream must raise alerts to compare");
        Assert.That(expectedAlerts.Values.Count(a => a.Status == "acknowledged"), Is.EqualTo(1));
        Assert.That(alerts, Is.EqualTo(expectedAlerts));
        Assert.That(grades, Is.EqualTo(expectedGrades));
    }

    private static (Dictionary<string, (string Status, int Count)> Alerts, SortedSet<string> Grades) Read(string data)
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(data, "supervision.duckdb")}");
        connection.Open();
        var alerts = new Dictionary<string, (string, int)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT alert_id, status, count FROM alert_events QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY version DESC) = 1";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                alerts[reader.GetString(0)] = (reader.GetString(1), reader.GetInt32(2));
            }
        }
        var grades = new SortedSet<string>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT enterprise_id, epoch_ms(changed_at), coalesce(from_grade, '-'), to_grade FROM grade_changes";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                grades.Add($"{reader.GetString(0)} {reader.GetInt64(1)} {reader.GetString(2)}->{reader.GetString(3)}");
            }
        }
        return (alerts, grades);
    }
}

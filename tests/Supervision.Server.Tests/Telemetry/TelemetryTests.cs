using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace Supervision.Server.Tests.Telemetry;

/// <summary>What an operator's Prometheus, orchestrator and trace collector see of a running server under a small load.</summary>
[Category("Integration")]
public partial class TelemetryTests
{
    private const string Enterprise = "91350100M000100Y43";

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)""")]
    private static partial Regex Sample();

    [GeneratedRegex("""(?<key>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(?:[^"\\]|\\.)*)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Label();

    [Test]
    public async Task Metrics_SmallLoad_IngestEngineStoreAndHubFiguresMove()
    {
        using var server = new SupervisionServer();
        using var client = server.NewClient();
        await using var hub = await server.HubAsync(TestUsers.Supervisor35, "35");
        await hub.StartAsync();
        var before = Parse(await client.GetStringAsync("/metrics"));
        Assert.That(Sum(before, "supervision_ingest_reports_total"), Is.Zero);

        // 50 minutes of one freezer too warm, in five requests: long enough for the frozen-storage rule to alert.
        var lines = SupervisionServer.ViolatingSeries(Enterprise, "350102", DateTimeOffset.UtcNow.AddHours(-1), 50, "M-1").TrimEnd('\n').Split('\n');
        for (var b = 0; b < 5; b++)
        {
            using var content = new StringContent(string.Join('\n', lines[(10 * b)..(10 * b + 10)]), Encoding.UTF8, "application/x-ndjson");
            using var response = await client.PostAsync("/api/v1/reports", content);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }
        using (var again = new StringContent(string.Join('\n', lines[..10]), Encoding.UTF8, "application/x-ndjson"))
        {
            (await client.PostAsync("/api/v1/reports", again)).Dispose();
        }
        using (var bad = new StringContent("{\"reportId\":\"x\",\"enterpriseId\":\"91350100M000100Y44\"}\n{oops\n", Encoding.UTF8, "application/x-ndjson"))
        {
            (await client.PostAsync("/api/v1/reports", bad)).Dispose();
        }

        var after = await SupervisionServer.EventuallyAsync(async () =>
        {
            var samples = Parse(await client.GetStringAsync("/metrics"));
            return Sum(samples, "supervision_store_rows_total", ("kind", "Reports")) >= 50 ? samples : null;
        }, TimeSpan.FromSeconds(30), "50 reports written to the store");

        Assert.Multiple(() =>
        {
            Assert.That(Sum(after, "supervision_ingest_reports_total", ("outcome", "accepted"), ("kind", "food.coldchain"), ("format", "ndjson")), Is.EqualTo(50));
            Assert.That(Sum(after, "supervision_ingest_reports_total", ("outcome", "duplicate"), ("kind", "food.coldchain")), Is.EqualTo(10));
            Assert.That(Sum(after, "supervision_ingest_reports_total", ("outcome", "rejected"), ("reason", "malformed")), Is.EqualTo(1));
            Assert.That(Sum(after, "supervision_ingest_reports_total", ("outcome", "rejected"), ("reason", "enterpriseId")), Is.EqualTo(1));
            Assert.That(Sum(after, "supervision_wal_flush_duration_seconds_count"), Is.GreaterThanOrEqualTo(1));
            Assert.That(Sum(after, "supervision_engine_reports_total"), Is.EqualTo(50));
            Assert.That(Sum(after, "supervision_engine_lag_seconds_count"), Is.EqualTo(5));
            Assert.That(Sum(after, "supervision_alerts_total", ("rule", "haccp.frozen.max"), ("severity", "warning")), Is.EqualTo(1));
            Assert.That(Sum(after, "supervision_store_rows_total", ("kind", "Reports")), Is.EqualTo(50));
            Assert.That(Sum(after, "supervision_store_write_duration_seconds_count"), Is.GreaterThanOrEqualTo(1));
            Assert.That(Has(after, "supervision_pipeline_queue_depth"), Is.True);
            Assert.That(Has(after, "supervision_wal_queue_depth"), Is.True);
            Assert.That(Sum(after, "supervision_store_spill_backlog"), Is.Zero);
            Assert.That(Sum(after, "supervision_engine_state", ("state", "enterprises")), Is.EqualTo(1));
            Assert.That(Sum(after, "supervision_engine_state", ("state", "subjects:food.coldchain")), Is.EqualTo(1));
            Assert.That(Sum(after, "supervision_engine_late_reports_total", ("kind", "food.coldchain")), Is.Zero);
            Assert.That(Sum(after, "signalr_server_active_connections"), Is.EqualTo(1));
            Assert.That(Sum(after, "http_server_request_duration_seconds_count", ("http_route", "/api/v1/reports")), Is.EqualTo(7));
        });
    }

    [Test]
    public async Task Traces_PostedReports_OneTraceFromRequestThroughPipelineToStore()
    {
        var spans = new List<Activity>();
        using var server = new SupervisionServer(new Dictionary<string, string?> { ["Supervision:Telemetry:TraceSampleRatio"] = "1" },
            services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        using var client = server.NewClient();
        using var content = new StringContent(SupervisionServer.ViolatingSeries(Enterprise, "350102", DateTimeOffset.UtcNow.AddHours(-1), 3, "T-1"), Encoding.UTF8, "application/x-ndjson");
        using var response = await client.PostAsync("/api/v1/reports", content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

        var trace = await SupervisionServer.EventuallyAsync(() =>
        {
            lock (spans)
            {
                var request = spans.FirstOrDefault(s => s.DisplayName == "POST /api/v1/reports");
                var names = request is null ? [] : spans.Where(s => s.TraceId == request.TraceId).Select(s => s.DisplayName).ToList();
                return Task.FromResult(names.Contains("store.write") ? names : null);
            }
        }, TimeSpan.FromSeconds(30), "the store.write span in the request's trace");

        Assert.That(trace, Is.SupersetOf(new[] { "POST /api/v1/reports", "ingest.decode", "wal.append", "pipeline.process", "store.write" }));
    }

    [Test]
    public async Task Health_Started_LiveAndReadyAnswerWithChecks()
    {
        using var server = new SupervisionServer();
        using var client = server.NewClient();

        using var live = await client.GetAsync("/healthz/live");
        using var ready = await client.GetAsync("/healthz/ready");
        using var legacy = await client.GetAsync("/healthz");

        Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await live.Content.ReadAsStringAsync(), Is.EqualTo("""{"status":"Healthy","checks":{}}"""));
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        var checks = json.RootElement.GetProperty("checks");
        Assert.That(checks.GetProperty("pipeline").GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        Assert.That(checks.GetProperty("history-store").GetProperty("description").GetString(), Is.EqualTo("0 writes pending"));
        Assert.That(legacy.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void JsonLogs_On_ConsoleWritesJson()
    {
        using var server = new SupervisionServer(new Dictionary<string, string?> { ["Supervision:Telemetry:JsonLogs"] = "true" });

        Assert.That(server.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName, Is.EqualTo(ConsoleFormatterNames.Json));
    }

    private static List<(string Name, Dictionary<string, string> Labels, double Value)> Parse(string exposition)
    {
        var samples = new List<(string, Dictionary<string, string>, double)>();
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith('#') || Sample().Match(line) is not { Success: true } m)
            {
                continue;
            }
            var labels = Label().Matches(m.Groups["labels"].Value + " ").ToDictionary(l => l.Groups["key"].Value, l => l.Groups["value"].Value);
            samples.Add((m.Groups["name"].Value, labels, double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }
        return samples;
    }

    private static double Sum(List<(string Name, Dictionary<string, string> Labels, double Value)> samples, string name, params (string Key, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).Sum(s => s.Value);

    private static bool Has(List<(string Name, Dictionary<string, string> Labels, double Value)> samples, string name) => samples.Any(s => s.Name == name);
}

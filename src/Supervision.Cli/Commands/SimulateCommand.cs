using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Supervision.Cli.Terminal;
using Supervision.Domain.Reports;
using Supervision.Simulation.Feeds;

namespace Supervision.Cli.Commands;

/// <summary><c>supervision simulate</c>: streams simulated envelopes to a server (or writes NDJSON); options in <see cref="Verbs.SimulateVerb"/>.</summary>
public static class SimulateCommand
{
    /// <summary>What to simulate and where to send it: exactly one of <see cref="Target"/> and <see cref="Output"/>.</summary>
    public sealed record Settings(int Enterprises, double Rate, int Seed, Uri? Target, string? Output, long? Count, TimeSpan Backfill, string? ApiKey);

    public static async Task<int> RunAsync(Settings settings, CliContext cli, CancellationToken cancellation)
    {
        var (enterprises, rate, seed, target, output, count, backfill, apiKey) = settings;
        var endpoint = target is null ? null : new Uri(new Uri(target.AbsoluteUri.TrimEnd('/') + "/"), "api/v1/reports");
        var log = cli.Error;

        var generator = ReportGenerator.Create(enterprises, seed);
        var feed = new PacedFeed(generator, new PacedFeedOptions { Rate = rate, Backfill = backfill }, cli.Clock);
        log.WriteLine($"simulate: {enterprises} enterprises, {generator.DeviceCount} devices, {rate} reports/s, seed {seed} -> {target?.ToString() ?? output}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        await using var file = output is null ? null : output == "-" ? Console.OpenStandardOutput() : File.Create(output);
        using var bar = cli.StartProgress("simulate", count);
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        long sent = 0, accepted = 0, rejected = 0;
        var progress = Stopwatch.StartNew();
        try
        {
            await foreach (var batch in feed.RunAsync(count ?? long.MaxValue, cancellation))
            {
                buffer.ResetWrittenCount();
                EnvelopeJson.WriteNdjson(batch, buffer);
                if (file is not null)
                {
                    await file.WriteAsync(buffer.WrittenMemory, cancellation);
                    accepted += batch.Count;
                }
                else
                {
                    var (a, r) = await PostAsync(http, endpoint!, buffer.WrittenMemory, log, cancellation);
                    accepted += a;
                    rejected += r;
                }
                sent += batch.Count;
                bar.Value = sent;
                bar.Description = $"simulate: {sent} sent, {accepted} accepted, {rejected} rejected";
                if (!bar.Shown && progress.Elapsed > TimeSpan.FromSeconds(5))
                {
                    log.WriteLine($"simulate: {sent} sent, {accepted} accepted, {rejected} rejected");
                    progress.Restart();
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        bar.Dispose();
        log.WriteLine($"simulate: done: {sent} sent, {accepted} accepted, {rejected} rejected, {generator.Violations.Count} violations injected");
        return rejected == 0 ? 0 : 1;
    }

    private static async Task<(int Accepted, int Rejected)> PostAsync(HttpClient http, Uri endpoint, ReadOnlyMemory<byte> body, TextWriter log, CancellationToken cancellation)
    {
        while (true)
        {
            using var content = new ReadOnlyMemoryContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsync(endpoint, content, cancellation);
            }
            catch (HttpRequestException e)
            {
                throw new UsageException($"cannot reach {endpoint}: {e.Message}");
            }
            using (response)
            {
                if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)
                {
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                    log.WriteLine($"simulate: server busy ({(int)response.StatusCode}), retrying in {wait.TotalSeconds:0.#} s");
                    await Task.Delay(wait, cancellation);
                    continue;
                }
                var text = await response.Content.ReadAsStringAsync(cancellation);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new UsageException($"server answered {(int)response.StatusCode}: {text}");
                }
                using var json = JsonDocument.Parse(text);
                var rejected = json.RootElement.GetProperty("rejected");
                if (rejected.GetArrayLength() > 0)
                {
                    log.WriteLine($"simulate: rejected: {rejected[0]}");
                }
                return (json.RootElement.GetProperty("accepted").GetInt32(), rejected.GetArrayLength());
            }
        }
    }
}

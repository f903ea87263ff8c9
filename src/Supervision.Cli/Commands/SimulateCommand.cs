using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Supervision.Domain.Reports;
using Supervision.Simulation.Feeds;

namespace Supervision.Cli.Commands;

/// <summary><c>supervision simulate</c>: streams simulated envelopes to a server (or writes NDJSON).</summary>
public static class SimulateCommand
{
    public const string Help = """
        usage: supervision simulate [options]

        Streams reports of simulated enterprises (valid USCCs, real GB/T 2260 regions, injected violations)
        to a running server as NDJSON batches, or writes them as NDJSON.

          --enterprises N   simulated enterprises (default 100)
          --rate R          reports per second while event time is behind the clock (default 500)
          --seed S          random seed; the same seed gives the same enterprises and reports (default 7)
          --target URL      server base URL, e.g. http://127.0.0.1:5080 (posts to /api/v1/reports)
          --output FILE     write NDJSON to FILE instead ('-' for standard output)
          --count N         stop after N reports (default: run until Ctrl+C)
          --backfill D      event time starts this long ago, e.g. 6h (default 6h)
          --api-key KEY     API key sent as 'Authorization: Bearer KEY' (a platform key covers many
                            enterprises; the demo server prints sk_demo_platform)
        """;

    public static async Task<int> RunAsync(CommandLine args, TextWriter log, CancellationToken cancellation)
    {
        var enterprises = args.Int("enterprises", 100, 1, 1_000_000);
        var rate = args.Double("rate", 500, 0.001, 10_000_000);
        var seed = args.Int("seed", 7, 0, int.MaxValue);
        var target = args.String("target");
        var output = args.String("output");
        var count = args.Long("count", long.MaxValue, 1);
        var backfill = args.Duration("backfill", TimeSpan.FromHours(6));
        var apiKey = args.String("api-key");
        args.EnsureAllUsed();
        if ((target is null) == (output is null))
        {
            throw new UsageException("give exactly one of --target URL or --output FILE");
        }
        Uri? endpoint = null;
        if (target is not null && (!Uri.TryCreate(target, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https")))
        {
            throw new UsageException($"--target must be an http(s) URL, got '{target}'");
        }
        else if (target is not null)
        {
            endpoint = new Uri(new Uri(target.TrimEnd('/') + "/"), "api/v1/reports");
        }

        var generator = ReportGenerator.Create(enterprises, seed);
        var feed = new PacedFeed(generator, new PacedFeedOptions { Rate = rate, Backfill = backfill }, TimeProvider.System);
        log.WriteLine($"simulate: {enterprises} enterprises, {generator.DeviceCount} devices, {rate} reports/s, seed {seed} -> {target ?? output}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        await using var file = output is null ? null : output == "-" ? Console.OpenStandardOutput() : File.Create(output);
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        long sent = 0, accepted = 0, rejected = 0;
        var progress = Stopwatch.StartNew();
        try
        {
            await foreach (var batch in feed.RunAsync(count, cancellation))
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
                if (progress.Elapsed > TimeSpan.FromSeconds(5))
                {
                    log.WriteLine($"simulate: {sent} sent, {accepted} accepted, {rejected} rejected");
                    progress.Restart();
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
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

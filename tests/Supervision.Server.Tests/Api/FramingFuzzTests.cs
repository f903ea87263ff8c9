using System.Net;
using System.Text;

namespace Supervision.Server.Tests.Api;

/// <summary>
/// Seeded fuzzing below the body: raw request lines, headers, chunked framing and content encodings sent over plain
/// sockets, beside <see cref="FuzzTests"/> which mutates bodies only. No answer may be 5xx (but Kestrel's 505 to an
/// unknown HTTP version), and the server must serve reports after.
/// </summary>
[Category("Integration")]
public class FramingFuzzTests
{
    private const int Requests = 3_000;

    [Test]
    public async Task Server_MalformedFraming_NoServerErrorAndHealthyAfter()
    {
        using var server = new SupervisionServer(new Dictionary<string, string?> { ["Supervision:MaxBodyBytes"] = "65536", ["Supervision:MaxRecordsPerBatch"] = "40" });
        var random = new Random(20261208);
        var body = Encoding.UTF8.GetBytes(SupervisionServer.ViolatingSeries("91350100M000100Y43", "350102", DateTimeOffset.UtcNow.AddHours(-1), 4, "Z-1"));
        var statuses = new SortedDictionary<int, int>();
        for (var i = 0; i < Requests; i++)
        {
            var request = Mutate(body, random);
            var (status, text) = await RawHttp.SendAsync(server.BaseAddress, request, TimeSpan.FromMilliseconds(250));
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var shown = () => $"request {i}:\n{Encoding.UTF8.GetString(request)}\n-> {text}";
            if (status == 505)
            {
                // Kestrel's protocol answer to a request line naming a version other than HTTP/1.0 or 1.1, before any
                // application code: the one 5xx that is not a server fault, and not ours to change.
                var line = Encoding.ASCII.GetString(request, 0, Math.Max(0, Array.IndexOf(request, (byte)'\n')));
                Assert.That(line.TrimEnd('\r'), Does.Not.EndWith(" HTTP/1.1").And.Not.EndWith(" HTTP/1.0"), shown);
                continue;
            }
            Assert.That(text, Does.Not.Contain("HTTP/1.1 5"), shown);
        }
        TestContext.Progress.WriteLine("framing fuzz (0: no answer): " + string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));

        using var client = server.NewClient();
        using var health = await client.GetAsync("/healthz");
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var content = new StringContent(SupervisionServer.ViolatingSeries("91350100M000100Y43", "350102", DateTimeOffset.UtcNow.AddHours(-1), 4, "after"), Encoding.UTF8, "application/x-ndjson");
        using var accepted = await client.PostAsync("/api/v1/reports", content);
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(statuses.Keys.Where(s => s is >= 200 and < 300), Is.Not.Empty, "some mutations should still be served");
    }

    /// <summary>A request built from parts, each part possibly broken, then possibly bit-flipped or cut.</summary>
    private static byte[] Mutate(byte[] seed, Random random)
    {
        var method = Pick(random, 0.8, "POST", "post", "Post", "GET", "P0ST", "", "POST POST", new string('P', 300));
        var target = Pick(random, 0.8, "/api/v1/reports", "/api/v1/reports?profile=%zz", "*", "http://x/api/v1/reports", "/api/v1/../v1/reports", "/api/v1/reports#x", "/api v1", "/\u00e9", "/healthz");
        var version = Pick(random, 0.85, "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1x", "HTTP/9.9", "", "http/1.1");
        var contentType = Pick(random, 0.8, "application/x-ndjson", "application/jsonl", "text/csv", "application/json", "application/vnd.apache.arrow.stream", "text/plain", ";;", "application/x-ndjson; charset=\"");

        var body = seed;
        var coding = Pick(random, 0.7, "", "gzip", "deflate", "br", "gzip, br", "identity", "zstd", "gzip;q=1", ",");
        if (coding.Length > 0 && random.NextDouble() < 0.85)
        {
            foreach (var c in coding.Split(", "))
            {
                if (c is "gzip" or "deflate" or "br")
                {
                    body = EdgeTests.Encode(body, c);
                }
            }
            if (random.NextDouble() < 0.2)
            {
                body = body[..random.Next(body.Length)];
            }
        }

        var chunked = random.NextDouble() < 0.35;
        var headers = new List<string> { "Host: fuzz", "Content-Type: " + contentType, "Connection: close" };
        if (coding.Length > 0)
        {
            headers.Add("Content-Encoding: " + coding);
        }
        if (chunked)
        {
            headers.Add("Transfer-Encoding: " + Pick(random, 0.85, "chunked", "gzip, chunked", "chunked, gzip", "identity", "Chunked", "chunked\0"));
        }
        else
        {
            headers.Add("Content-Length: " + Pick(random, 0.8, body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                (body.Length + 7).ToString(System.Globalization.CultureInfo.InvariantCulture), "-1", "abc", "99999999999999999999", "0", $"{body.Length}, {body.Length + 1}"));
        }
        switch (random.Next(12))
        {
            case 0: headers.Add("Content-Length: 3"); break;
            case 1: headers.Add("X-Broken header: 1"); break;
            case 2: headers.Add("NoColon"); break;
            case 3: headers.Add(" folded: continuation"); break;
            case 4: headers.Add("X-Long: " + new string('a', random.Next(1, 40_000))); break;
            case 5: headers.AddRange(Enumerable.Range(0, 120).Select(n => $"X-Many-{n}: {n}")); break;
            case 6: headers.Add("X-Nul: a\0b"); break;
            case 7: headers.Remove("Host: fuzz"); break;
            default: break;
        }

        var eol = random.NextDouble() < 0.9 ? "\r\n" : "\n";
        var head = Encoding.UTF8.GetBytes($"{method} {target} {version}{eol}{string.Join(eol, headers)}{eol}{eol}");
        var payload = chunked ? Chunk(body, random) : body;
        var request = new byte[head.Length + payload.Length];
        head.CopyTo(request, 0);
        payload.CopyTo(request, head.Length);
        if (random.NextDouble() < 0.15)
        {
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                request[random.Next(request.Length)] = (byte)random.Next(256);
            }
        }
        return random.NextDouble() < 0.05 ? request[..random.Next(request.Length)] : request;
    }

    /// <summary>Chunked framing of <paramref name="body"/>, sometimes with a broken size, extension, CRLF or ending.</summary>
    private static byte[] Chunk(byte[] body, Random random)
    {
        var output = new MemoryStream();
        void Write(string text) => output.Write(Encoding.ASCII.GetBytes(text));
        var position = 0;
        while (position < body.Length)
        {
            var size = Math.Min(body.Length - position, random.Next(1, 200));
            var sizeText = size.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
            Write(Pick(random, 0.95, sizeText, "zz", "FFFFFFFFFFFFFFFFFFFF", "-1", sizeText + ";ext=1", sizeText + " ", "0x" + sizeText, (size + 3).ToString("x", System.Globalization.CultureInfo.InvariantCulture)));
            Write("\r\n");
            output.Write(body, position, size);
            Write(Pick(random, 0.95, "\r\n", "", "\n", "XX"));
            position += size;
        }
        Write(Pick(random, 0.9, "0\r\n\r\n", "0\r\nX-Trailer: 1\r\n\r\n", "", "0\r\n", "1\r\n"));
        return output.ToArray();
    }

    /// <summary>The first choice with probability <paramref name="usual"/>, else any other.</summary>
    private static string Pick(Random random, double usual, params string[] choices) =>
        random.NextDouble() < usual ? choices[0] : choices[random.Next(1, choices.Length)];
}

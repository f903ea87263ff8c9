using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Supervision.Server.Tests.Api;

/// <summary>
/// The HTTP edge as a hostile or careless client meets it: broken chunked framing, content encodings, byte-order
/// marks, methods in the wrong case. Answers are 4xx problem details naming the fault, never 5xx.
/// </summary>
[Category("Integration")]
public class EdgeTests
{
    private const int MaxBodyBytes = 65536;
    private SupervisionServer _server = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _server = new SupervisionServer(new Dictionary<string, string?> { ["Supervision:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        _client = _server.NewClient();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _client.Dispose();
        _server.Dispose();
    }

    private static string Series(string device, int count = 3) =>
        SupervisionServer.ViolatingSeries("91350100M000100Y43", "350102", DateTimeOffset.UtcNow.AddHours(-1), count, device);

    private static string Chunked(string chunks) =>
        "POST /api/v1/reports HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks;

    [TestCase("ZZ\r\n{}\r\n0\r\n\r\n", "chunk size that is not hex")]
    [TestCase("FFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n", "chunk size that overflows")]
    [TestCase("2\r\n{}XX0\r\n\r\n", "chunk data without its CRLF")]
    public async Task PostReports_BadChunkedFraming_400ProblemDetails(string chunks, string what)
    {
        var (status, text) = await RawHttp.SendAsync(_server.BaseAddress, RawHttp.Ascii(Chunked(chunks)));

        Assert.That(status, Is.EqualTo(400), what + ": " + text);
        Assert.That(text, Does.Contain("Content-Type: application/problem+json"), what);
        Assert.That(text, Does.Contain("\"title\":\"Malformed request\""), what);
    }

    [TestCase("post")]
    [TestCase("Post")]
    public async Task PostReports_MethodInWrongCase_400NamingTheMethod(string method)
    {
        var body = Series("M-" + method);
        var request = $"{method} /api/v1/reports HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-ndjson\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";

        var (status, text) = await RawHttp.SendAsync(_server.BaseAddress, Encoding.UTF8.GetBytes(request));

        Assert.That(status, Is.EqualTo(400), text);
        Assert.That(text, Does.Contain($"method '{method}' is not POST: HTTP methods are case-sensitive"));
    }

    [TestCase("gzip")]
    [TestCase("x-gzip")]
    [TestCase("deflate")]
    [TestCase("br")]
    [TestCase("gzip, br")]
    public async Task PostReports_EncodedBody_DecodedAndAccepted(string coding)
    {
        var body = Encoding.UTF8.GetBytes(Series("E-" + coding.Replace(", ", "-", StringComparison.Ordinal)));
        foreach (var c in coding.Split(", "))
        {
            body = Encode(body, c);
        }

        using var response = await PostAsync(body, "application/x-ndjson", coding);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("accepted").GetInt32(), Is.EqualTo(3));
    }

    [Test]
    public async Task PostReports_GzipBomb_413NamingTheLimit()
    {
        // Some KiB of gzip that expand to 16 MiB of blank lines.
        var bomb = Encode(Encoding.ASCII.GetBytes(new string('\n', 16 * 1024 * 1024)), "gzip", CompressionLevel.SmallestSize);
        Assert.That(bomb.Length, Is.LessThan(MaxBodyBytes));

        using var response = await PostAsync(bomb, "application/x-ndjson", "gzip");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"the body is larger than {MaxBodyBytes} bytes (Supervision:MaxBodyBytes)"));
    }

    [TestCase("zstd")]
    [TestCase("compress")]
    [TestCase("gzip, snappy")]
    public async Task PostReports_UnknownCoding_415NamingIt(string coding)
    {
        using var response = await PostAsync(Encoding.UTF8.GetBytes(Series("U-1")), "application/x-ndjson", coding);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"Content-Encoding '{coding.Split(", ")[^1]}' is not accepted"));
    }

    [TestCase("gzip")]
    [TestCase("deflate")]
    [TestCase("br")]
    public async Task PostReports_LabelOnPlainBody_400SayingItIsNotSoEncoded(string coding)
    {
        using var response = await PostAsync(Encoding.UTF8.GetBytes(Series("P-" + coding)), "application/x-ndjson", coding);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"the body is labelled 'Content-Encoding: {coding}' but is not {coding} data"));
    }

    [TestCase("application/json")]
    [TestCase("application/x-ndjson")]
    [TestCase("text/csv")]
    public async Task PostReports_ByteOrderMark_EveryRecordAccepted(string contentType)
    {
        var lines = Series("B-" + contentType.Replace('/', '-'), 2).TrimEnd('\n').Split('\n');
        var text = contentType switch
        {
            "application/json" => "[" + string.Join(",", lines) + "]",
            "application/x-ndjson" => string.Join("\n", lines),
            _ => Csv(lines),
        };

        using var response = await PostAsync([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)], contentType);

        var answer = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), answer);
        Assert.That(answer, Does.StartWith("{\"accepted\":2,"));
        Assert.That(answer, Does.Contain("\"rejected\":[]"));
    }

    [Test]
    public async Task PostReports_JsonLines_IsNdjson()
    {
        using var response = await PostAsync(Encoding.UTF8.GetBytes(Series("J-1")), "application/jsonl; charset=utf-8");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("{\"accepted\":3,"));
    }

    [Test]
    public async Task PostReports_CsvRowOfWrongShape_RejectionNamesRowAndCounts()
    {
        var lines = Series("S-1", 2).TrimEnd('\n').Split('\n');
        var csv = Csv(lines) + "S-x,91350100M000100Y43,350102\n";

        using var response = await PostAsync(Encoding.UTF8.GetBytes(csv), "text/csv");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(
            "\"rejected\":[{\"index\":2,\"reportId\":null,\"errors\":[{\"field\":\"row\",\"message\":\"row 3 (line 4) has 3 cells, expected 9 as in the header row\"}]}]"));
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string contentType, string? coding = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var c in coding?.Split(", ") ?? [])
        {
            content.Headers.ContentEncoding.Add(c);
        }
        return await _client.PostAsync("/api/v1/reports", content);
    }

    private static string Csv(string[] ndjsonLines)
    {
        var csv = new StringBuilder("reportId,enterpriseId,region,sector,kind,observedAt,payload.deviceId,payload.storageClass,payload.temperatureC\n");
        foreach (var line in ndjsonLines)
        {
            var e = JsonDocument.Parse(line).RootElement;
            var p = e.GetProperty("payload");
            csv.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"{e.GetProperty("reportId")},{e.GetProperty("enterpriseId")},{e.GetProperty("region")},{e.GetProperty("sector")},{e.GetProperty("kind")},{e.GetProperty("observedAt")},{p.GetProperty("deviceId")},{p.GetProperty("storageClass")},{p.GetProperty("temperatureC").GetRawText()}\n");
        }
        return csv.ToString();
    }

    internal static byte[] Encode(byte[] body, string coding, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream();
        using (Stream encoder = coding switch
        {
            "gzip" or "x-gzip" => new GZipStream(output, level),
            "deflate" => new ZLibStream(output, level),
            _ => new BrotliStream(output, level),
        })
        {
            encoder.Write(body);
        }
        return output.ToArray();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace Supervision.Server.Tests.Api;

/// <summary>
/// Seeded fuzzing of <c>POST /api/v1/reports</c>: mutated bodies in all four formats. The server must never answer
/// 5xx or stop, and every rejection must say where the problem is.
/// </summary>
[Category("Integration")]
public partial class FuzzTests
{
    private const int Bodies = 10_000;
    private static readonly string[] ContentTypes = ["application/json", "application/x-ndjson", "text/csv", "application/vnd.apache.arrow.stream"];

    [GeneratedRegex(@"line \d+|header row|byte \d+|column \d+|column '|record batch \d+|reading the schema|body is empty|body must be a JSON array|holds \d+ records")]
    private static partial Regex Where();

    [Test]
    public async Task PostReports_TenThousandMalformedBodies_NoServerErrorAndEveryRejectionSaysWhere()
    {
        using var server = new SupervisionServer(new Dictionary<string, string?> { ["Supervision:MaxBodyBytes"] = "65536", ["Supervision:MaxRecordsPerBatch"] = "40" });
        using var client = server.NewClient();
        var random = new Random(20261127);
        var seeds = SeedBodies();
        var statuses = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < Bodies; i++)
        {
            var format = i % 4;
            var body = Mutate(seeds[format], random);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue(ContentTypes[format]);
            using var response = await client.PostAsync("/api/v1/reports", content);
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            var text = await response.Content.ReadAsStringAsync();
            var context = $"body {i} ({ContentTypes[format]}, {body.Length} bytes) -> {(int)response.StatusCode}: {text}";
            Assert.That((int)response.StatusCode, Is.LessThan(500), context);
            using var json = JsonDocument.Parse(text);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                foreach (var rejected in json.RootElement.GetProperty("rejected").EnumerateArray())
                {
                    Assert.That(rejected.GetProperty("index").GetInt32(), Is.GreaterThanOrEqualTo(0), context);
                    foreach (var error in rejected.GetProperty("errors").EnumerateArray())
                    {
                        var field = error.GetProperty("field").GetString();
                        var message = error.GetProperty("message").GetString();
                        Assert.That(!string.IsNullOrEmpty(field) || Where().IsMatch(message!), Is.True, context);
                    }
                }
            }
            else
            {
                Assert.That(response.StatusCode, Is.AnyOf(HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge), context);
                var detail = json.RootElement.GetProperty("detail").GetString()!;
                Assert.That(Where().IsMatch(detail) || response.StatusCode == HttpStatusCode.RequestEntityTooLarge, Is.True, context);
            }
        }
        TestContext.Progress.WriteLine("fuzz: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}: {s.Value}")));
        using var health = await client.GetAsync("/healthz");
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static byte[][] SeedBodies()
    {
        var at = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture);
        string Envelope(int i) => $$$"""{"reportId":"z-{{{i}}}","enterpriseId":"91350100M000100Y43","region":"350102","sector":"food","kind":"food.coldchain","observedAt":"{{{at}}}","payload":{"deviceId":"F-{{{i}}}","storageClass":"frozen","temperatureC":-19.5}}""";
        var envelopes = Enumerable.Range(0, 6).Select(Envelope).ToArray();
        var csv = new StringBuilder("reportId,enterpriseId,region,sector,kind,observedAt,payload.deviceId,payload.storageClass,payload.temperatureC\n");
        for (var i = 0; i < 6; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"z-{i},91350100M000100Y43,350102,food,food.coldchain,{at},\"F,{i}\",frozen,-19.5\n");
        }
        return
        [
            Encoding.UTF8.GetBytes("[" + string.Join(",", envelopes) + "]"),
            Encoding.UTF8.GetBytes(string.Join("\n", envelopes) + "\n"),
            Encoding.UTF8.GetBytes(csv.ToString()),
            Arrow(at),
        ];
    }

    private static byte[] Arrow(string at)
    {
        var names = new[] { "reportId", "enterpriseId", "region", "sector", "kind", "observedAt", "payload.deviceId", "payload.storageClass" };
        var values = new[] { "z-a", "91350100M000100Y43", "350102", "food", "food.coldchain", at, "F-1", "frozen" };
        var fields = names.Select(n => new Field(n, StringType.Default, true)).Append(new Field("payload.temperatureC", DoubleType.Default, true)).ToList();
        var arrays = values.Select(v => (IArrowArray)new StringArray.Builder().Append(v).Append(v + "x").Build()).ToList();
        arrays.Add(new DoubleArray.Builder().Append(-19.5).Append(double.NaN).Build());
        var schema = new Schema(fields, null);
        using var batch = new RecordBatch(schema, arrays, 2);
        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }
        return stream.ToArray();
    }

    private static readonly string[] Nasty =
    [
        "NaN", "Infinity", "-Infinity", "1e999", "-1e999", "\"\\ud800\"", "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":1}}}}}}}}",
        "\"reportId\":\"dup\",\"reportId\":\"dup\"", "\u0000", "\"", ",", "\n", "\r\n", "[", "]", "{", "}", "\"\"\"", "null", "true",
        "99999999999999999999999", "\"payload\":[1,2]", "\"observedAt\":\"2026-11-27T09:00:00\"", new string('x', 3000),
    ];

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        var mutations = 1 + random.Next(4);
        for (var m = 0; m < mutations && bytes.Count > 0; m++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(8))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Nasty[random.Next(Nasty.Length)]));
                    break;
                case 3:
                    bytes.InsertRange(at, [0xC3, 0x28, 0xFF, 0xFE]);
                    break;
                case 4:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16)));
                    break;
                case 5:
                    var length = Math.Min(bytes.Count - at, 1 + random.Next(64));
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                case 6:
                    bytes[at] = (byte)random.Next(256);
                    break;
                default:
                    var garbage = new byte[1 + random.Next(32)];
                    random.NextBytes(garbage);
                    bytes.InsertRange(at, garbage);
                    break;
            }
        }
        return [.. bytes];
    }
}

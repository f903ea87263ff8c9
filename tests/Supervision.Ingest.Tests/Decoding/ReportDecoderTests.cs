using System.Text;
using Microsoft.Extensions.Time.Testing;
using Supervision.Ingest.Decoding;
using Supervision.Ingest.Validation;

namespace Supervision.Ingest.Tests.Decoding;

public class ReportDecoderTests
{
    private ReportDecoder _decoder = null!;

    [SetUp]
    public void SetUp() =>
        _decoder = new ReportDecoder(new ReportValidator(new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero)), TimeSpan.FromMinutes(5)));

    [Test]
    public void DecodeJsonArray_MixedBatch_AcceptsValidAndIndexesRejected()
    {
        var body = Envelopes.Array(
            Envelopes.ColdChain(reportId: "a"),
            Envelopes.ColdChain(reportId: "b", enterpriseId: "91350100M000100Y44"),
            Envelopes.ColdChain(reportId: "c"),
            "42");
        var result = _decoder.DecodeJsonArray(body);
        Assert.That(result.Total, Is.EqualTo(4));
        Assert.That(result.Accepted.Select(r => r.ReportId), Is.EqualTo(new[] { "a", "c" }));
        Assert.That(result.Rejected.Select(r => (r.Index, r.ReportId)), Is.EqualTo(new[] { (1, (string?)"b"), (3, null) }));
        Assert.That(result.Rejected[1].Errors.Single().Message, Is.EqualTo("record must be a JSON object"));
    }

    [Test]
    public void DecodeNdjson_BadLine_RejectsOnlyThatRecord()
    {
        var body = Envelopes.Ndjson(Envelopes.ColdChain(reportId: "a"), "{\"reportId\": oops", "", Envelopes.ColdChain(reportId: "c"));
        var result = _decoder.DecodeNdjson(body);
        Assert.That(result.Accepted.Select(r => r.ReportId), Is.EqualTo(new[] { "a", "c" }));
        var rejected = result.Rejected.Single();
        Assert.That(rejected.Index, Is.EqualTo(1));
        Assert.That(rejected.Errors.Single().Message, Does.StartWith("line 2, byte "));
    }

    [Test]
    public void DecodeJsonArray_SameRecordsAsNdjson_SameVerdicts()
    {
        string[] envelopes = [Envelopes.ColdChain(reportId: "a"), Envelopes.ColdChain(reportId: "b", region: "35010"), Envelopes.ColdChain(reportId: "c")];
        var array = _decoder.DecodeJsonArray(Envelopes.Array(envelopes));
        var ndjson = _decoder.DecodeNdjson(Envelopes.Ndjson(envelopes));
        Assert.That(ndjson.Accepted, Is.EqualTo(array.Accepted));
        Assert.That(ndjson.Rejected.Select(r => (r.Index, r.ReportId, r.Errors.Single())), Is.EqualTo(array.Rejected.Select(r => (r.Index, r.ReportId, r.Errors.Single()))));
    }

    [TestCase("{\"not\":\"an array\"}", "body must be a JSON array of report envelopes")]
    [TestCase("", "body is empty; send a JSON array of report envelopes")]
    [TestCase("  \n", "body is empty; send a JSON array of report envelopes")]
    public void DecodeJsonArray_NotAnArray_IsBodyError(string body, string message)
    {
        var result = _decoder.DecodeJsonArray(Encoding.UTF8.GetBytes(body));
        Assert.That(result.BodyError, Is.EqualTo(message));
    }

    [Test]
    public void DecodeJsonArray_Truncated_IsBodyErrorWithPosition()
    {
        var body = Envelopes.Array(Envelopes.ColdChain())[..40];
        var result = _decoder.DecodeJsonArray(body);
        Assert.That(result.BodyError, Does.StartWith("body is not valid JSON at line 1, byte "));
        Assert.That(result.Accepted, Is.Empty);
    }

    [Test]
    public void DecodeCsv_MorePayloadColumnsThanAnyKind_IsRecordError()
    {
        var extra = string.Join(",", Enumerable.Range(0, 70).Select(i => $"payload.x{i}"));
        var cells = string.Join(",", Enumerable.Range(0, 70).Select(i => "1"));
        var body = Encoding.UTF8.GetBytes($"reportId,enterpriseId,region,sector,kind,observedAt,{extra}\nr-1,{Envelopes.Enterprise},350100,food,food.coldchain,2026-11-27T09:00:00+08:00,{cells}\n");
        var errors = _decoder.DecodeCsv(body).Rejected.Single().Errors;
        Assert.That(errors, Is.EqualTo(new[] { new FieldError("payload", "has 70 fields; no kind has more than 64") }));
    }

    [Test]
    public void DecodeJsonArray_NestedPayloadValue_IsFieldError()
    {
        var body = Envelopes.Array(Envelopes.ColdChain(payload: """{"deviceId":{"x":1},"storageClass":"frozen","temperatureC":-20}"""));
        var errors = _decoder.DecodeJsonArray(body).Rejected.Single().Errors;
        Assert.That(errors[0], Is.EqualTo(new FieldError("payload.deviceId", "must be a string, number, boolean or null, not a nested value")));
    }
}

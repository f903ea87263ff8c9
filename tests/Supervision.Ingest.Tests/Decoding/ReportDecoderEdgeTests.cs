using System.Text;
using Microsoft.Extensions.Time.Testing;
using Supervision.Ingest.Decoding;
using Supervision.Ingest.Validation;

namespace Supervision.Ingest.Tests.Decoding;

/// <summary>What hostile or Windows-made bodies get: byte-order marks accepted, every rejection naming a field.</summary>
public class ReportDecoderEdgeTests
{
    private const string CsvHeader = "reportId,enterpriseId,region,sector,kind,observedAt,payload.deviceId,payload.storageClass,payload.temperatureC\n";
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];
    private ReportDecoder _decoder = null!;

    [SetUp]
    public void SetUp() =>
        _decoder = new ReportDecoder(new ReportValidator(new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero)), TimeSpan.FromMinutes(5)));

    private static string CsvRow(string reportId, string temperature = "-19.5") =>
        $"{reportId},{Envelopes.Enterprise},350100,food,food.coldchain,2026-11-27T09:00:00+08:00,F-17,frozen,{temperature}\n";

    [Test]
    public void DecodeJsonArray_ByteOrderMark_AcceptsEveryRecord()
    {
        var result = _decoder.DecodeJsonArray([.. Bom, .. Envelopes.Array(Envelopes.ColdChain(reportId: "a"), Envelopes.ColdChain(reportId: "b"))]);

        Assert.That(result.BodyError, Is.Null);
        Assert.That(result.Accepted.Select(r => r.ReportId), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void DecodeNdjson_ByteOrderMarkAtBodyAndLineStarts_AcceptsEveryRecord()
    {
        // Two files concatenated, each starting with its own mark.
        byte[] body = [.. Bom, .. Envelopes.Ndjson(Envelopes.ColdChain(reportId: "a")), .. Bom, .. Envelopes.Ndjson(Envelopes.ColdChain(reportId: "b"))];

        var result = _decoder.DecodeNdjson(body);

        Assert.That(result.Rejected, Is.Empty);
        Assert.That(result.Accepted.Select(r => r.ReportId), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void DecodeCsv_ByteOrderMark_AcceptsEveryRecord()
    {
        var result = _decoder.DecodeCsv([.. Bom, .. Encoding.UTF8.GetBytes(CsvHeader + CsvRow("a") + CsvRow("b"))]);

        Assert.That(result.Rejected, Is.Empty);
        Assert.That(result.Accepted.Select(r => r.ReportId), Is.EqualTo(new[] { "a", "b" }));
    }

    [TestCase("""{"reportId":"x","payload":{"deviceId":"F-1","temperatureC": oops}}""", "payload.temperatureC")]
    [TestCase("""{"reportId":"x","kind":food.coldchain}""", "kind")]
    [TestCase("""{"reportId" "x"}""", ReportDecoder.WholeRecord)]
    [TestCase("""[1,2]""", ReportDecoder.WholeRecord)]
    [TestCase("""{"reportId":"x"} {"reportId":"y"}""", ReportDecoder.WholeRecord)]
    public void DecodeNdjson_MalformedLine_NamesTheFieldWhereItBroke(string line, string field)
    {
        var rejected = _decoder.DecodeNdjson(Envelopes.Ndjson(Envelopes.ColdChain(reportId: "a"), line)).Rejected.Single();

        Assert.That(rejected.Index, Is.EqualTo(1));
        Assert.That(rejected.Errors.Single().Field, Is.EqualTo(field));
        Assert.That(rejected.Errors.Single().Message, Does.StartWith("line 2"));
    }

    [Test]
    public void DecodeCsv_TooFewCells_NamesRowAndBothCounts()
    {
        var result = _decoder.DecodeCsv(Encoding.UTF8.GetBytes(CsvHeader + CsvRow("a") + "b,91350100M000100Y43,350100\n"));

        Assert.That(result.Rejected.Single().Errors, Is.EqualTo(new[] { new FieldError("row", "row 2 (line 3) has 3 cells, expected 9 as in the header row") }));
    }

    [Test]
    public void DecodeCsv_TooManyCells_NamesRowAndBothCounts()
    {
        var result = _decoder.DecodeCsv(Encoding.UTF8.GetBytes(CsvHeader + CsvRow("a").TrimEnd('\n') + ",extra\n"));

        Assert.That(result.Rejected.Single().Errors, Is.EqualTo(new[] { new FieldError("row", "row 1 (line 2) has 10 cells, expected 9 as in the header row") }));
    }

    [Test]
    public void DecodeCsv_QuoteInsideUnquotedCell_NamesTheColumn()
    {
        var result = _decoder.DecodeCsv(Encoding.UTF8.GetBytes(CsvHeader + CsvRow("a").Replace("F-17", "F\"17", StringComparison.Ordinal)));

        Assert.That(result.Rejected.Single().Errors, Is.EqualTo(new[]
        {
            new FieldError("payload.deviceId", "line 2, column 7: a quote inside an unquoted cell (quote the cell and double the quote)"),
        }));
    }

    [Test]
    public void DecodeCsv_InvalidUtf8_NamesTheColumnAndKeepsLaterRows()
    {
        var row = Encoding.UTF8.GetBytes(CsvRow("a"));
        var at = Array.IndexOf(row, (byte)'F');
        row[at] = 0xFF;

        var result = _decoder.DecodeCsv([.. Encoding.UTF8.GetBytes(CsvHeader), .. row, .. Encoding.UTF8.GetBytes(CsvRow("b"))]);

        Assert.That(result.Rejected.Single().Errors, Is.EqualTo(new[] { new FieldError("payload.deviceId", "line 2, column 7: not valid UTF-8") }));
        Assert.That(result.Accepted.Select(r => r.ReportId), Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public void DecodeCsv_UnclosedQuote_NamesTheColumn()
    {
        var result = _decoder.DecodeCsv(Encoding.UTF8.GetBytes(CsvHeader + CsvRow("a") + "b,\"91350100M000100Y43,350100\n"));

        Assert.That(result.Rejected.Single().Errors, Is.EqualTo(new[] { new FieldError("enterpriseId", "line 3, column 2: a quoted cell is not closed") }));
    }

    [Test]
    public void DecodeCsv_InvalidUtf8InHeader_IsBodyErrorNamingTheColumn()
    {
        var result = _decoder.DecodeCsv([.. "reportId,"u8.ToArray(), 0xC3, 0x28, .. "\n"u8.ToArray()]);

        Assert.That(result.BodyError, Is.EqualTo("header row (line 1), column 2: not valid UTF-8"));
    }
}

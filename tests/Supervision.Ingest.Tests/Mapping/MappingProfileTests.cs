using System.Text;
using Microsoft.Extensions.Time.Testing;
using Supervision.Domain.Reports;
using Supervision.Ingest.Decoding;
using Supervision.Ingest.Mapping;
using Supervision.Ingest.Validation;

namespace Supervision.Ingest.Tests.Mapping;

public class MappingProfileTests
{
    private static readonly string ShippedProfiles = Path.Combine(RepositoryRoot(), "src", "Supervision.Server", "profiles");
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "supervision-profiles-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Supervision.sln")))
        {
            directory = directory.Parent;
        }
        return directory!.FullName;
    }

    private static ReportDecoder Decoder(MappingProfile profile) =>
        new(new ReportValidator(new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero)), TimeSpan.FromMinutes(5)), profile);

    private static MappingProfile Shipped(string name) =>
        new ProfileRegistry(ShippedProfiles, message => Assert.Fail(message)).Find(name) ?? throw new InvalidOperationException(name + " missing");

    [Test]
    public void PortImportColdchain_JsonRecord_BecomesOurEnvelopeInCelsius()
    {
        var body = """[{"recordNo":"P-1","creditCode":"91350100M000100Y43","areaCode":"350102","type":"COLD_TEMP","time":"2026/11/27 09:30:00","device":"C-9","mode":"冷冻","tempF":5}]""";
        var result = Decoder(Shipped("port-import-coldchain")).DecodeJsonArray(Encoding.UTF8.GetBytes(body));
        Assert.That(result.Rejected, Is.Empty, string.Join("; ", result.Rejected.SelectMany(r => r.Errors)));
        var report = result.Accepted.Single();
        Assert.That(report.ReportId, Is.EqualTo("P-1"));
        Assert.That(report.Kind, Is.EqualTo(ReportKind.FoodColdChain));
        Assert.That(report.ObservedAt, Is.EqualTo(new DateTimeOffset(2026, 11, 27, 1, 30, 0, TimeSpan.Zero)));
        var reading = (ColdChainReading)report.Payload;
        Assert.That(reading.StorageClass, Is.EqualTo(FoodStorageClass.Frozen));
        Assert.That(reading.TemperatureC, Is.EqualTo(-15).Within(1e-9));
    }

    [Test]
    public void CountyAgriResidue_CsvRecord_ConvertsGramsPerKilogram()
    {
        var body = "sampleId,uscc,county,category,item,sampledAt,crop,drug,residueGPerKg\nS-1,91350100M000100Y43,350121,NY,NCYC,20261127083000,spinach,chlorpyrifos,0.00002\n";
        var result = Decoder(Shipped("county-agri-residue")).DecodeCsv(Encoding.UTF8.GetBytes(body));
        Assert.That(result.Rejected, Is.Empty, string.Join("; ", result.Rejected.SelectMany(r => r.Errors)));
        var residue = (AgriResidue)result.Accepted.Single().Payload;
        Assert.That(residue.ValueMgKg, Is.EqualTo(0.02).Within(1e-12));
        Assert.That(result.Accepted[0].Sector, Is.EqualTo(Sector.Agri));
    }

    [Test]
    public void Apply_DateNotInProfileFormat_NamesFieldAndFormat()
    {
        var body = """[{"recordNo":"P-2","creditCode":"91350100M000100Y43","areaCode":"350102","type":"COLD_TEMP","time":"27.11.2026 09:30","device":"C-9","mode":"冷藏","tempF":38}]""";
        var errors = Decoder(Shipped("port-import-coldchain")).DecodeJsonArray(Encoding.UTF8.GetBytes(body)).Rejected.Single().Errors;
        Assert.That(errors[0], Is.EqualTo(new FieldError("observedAt", "'27.11.2026 09:30' does not match the format 'yyyy/MM/dd HH:mm:ss' of profile port-import-coldchain")));
    }

    [Test]
    public void Apply_UnmappedTheirField_IsRejectedAsUnknown()
    {
        var body = """[{"recordNo":"P-3","creditCode":"91350100M000100Y43","areaCode":"350102","type":"COLD_TEMP","time":"2026/11/27 09:30:00","device":"C-9","mode":"冷冻","tempF":5,"humidity":40}]""";
        var errors = Decoder(Shipped("port-import-coldchain")).DecodeJsonArray(Encoding.UTF8.GetBytes(body)).Rejected.Single().Errors;
        Assert.That(errors.Single().Field, Is.EqualTo("humidity"));
    }

    [Test]
    public void Registry_ProfileWithUnknownFieldAndUnit_IsRefusedAndOthersServe()
    {
        File.Copy(Path.Combine(ShippedProfiles, "county-agri-residue.json"), Path.Combine(_directory, "good.json"));
        File.WriteAllText(Path.Combine(_directory, "bad.json"), """
            { "name": "bad", "fields": { "t": "payload.temperatureF" }, "units": { "payload.temperatureC": "furlongs", "payload.valueMgKg": "kPa" } }
            """);
        var refused = new List<string>();
        var registry = new ProfileRegistry(_directory, refused.Add);
        Assert.That(registry.Names, Is.EqualTo(new[] { "county-agri-residue" }));
        Assert.That(refused.Single(), Does.Contain("bad.json refused")
            .And.Contain("fields.t: 'payload.temperatureF' is not an envelope field or a payload field of any report kind")
            .And.Contain("units.payload.temperatureC: unit 'furlongs' is unknown")
            .And.Contain("units.payload.valueMgKg: 'kPa' is a unit of pressure, but payload.valueMgKg holds mass fraction"));
    }

    [Test]
    public void Registry_ObservedAtFormatWithoutOffset_IsRefused()
    {
        File.WriteAllText(Path.Combine(_directory, "no-offset.json"), """{ "dates": { "observedAt": { "format": "yyyy-MM-dd HH:mm" } } }""");
        var refused = new List<string>();
        Assert.That(new ProfileRegistry(_directory, refused.Add).Names, Is.Empty);
        Assert.That(refused.Single(), Does.Contain("dates.observedAt: a format without an offset (z) needs 'offset'"));
    }
}

using Microsoft.Extensions.Time.Testing;
using Supervision.Domain.Reports;
using Supervision.Ingest.Decoding;
using Supervision.Ingest.Validation;

namespace Supervision.Ingest.Tests.Validation;

public class ReportValidatorTests
{
    private ReportDecoder _decoder = null!;

    [SetUp]
    public void SetUp()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 2, 0, 0, TimeSpan.Zero));
        _decoder = new ReportDecoder(new ReportValidator(clock, TimeSpan.FromMinutes(5)));
    }

    private IReadOnlyList<FieldError> ErrorsOf(string envelope)
    {
        var result = _decoder.DecodeJsonArray(Envelopes.Array(envelope));
        Assert.That(result.BodyError, Is.Null);
        Assert.That(result.Accepted, Is.Empty, "the record should have been rejected");
        return result.Rejected.Single().Errors;
    }

    [Test]
    public void TryValidate_ValidColdChain_GivesTypedReport()
    {
        var result = _decoder.DecodeJsonArray(Envelopes.Array(Envelopes.ColdChain()));
        Assert.That(result.Rejected, Is.Empty);
        var report = result.Accepted.Single();
        Assert.That(report.Kind, Is.EqualTo(ReportKind.FoodColdChain));
        Assert.That(report.Sector, Is.EqualTo(Sector.Food));
        Assert.That(report.ObservedAt, Is.EqualTo(new DateTimeOffset(2026, 11, 27, 1, 0, 0, TimeSpan.Zero)));
        Assert.That(report.Payload, Is.EqualTo(new ColdChainReading("F-17", FoodStorageClass.Frozen, -14.5)));
    }

    [Test]
    public void TryValidate_ValidTelemetry_GivesTypedReport()
    {
        var envelope = Envelopes.ColdChain(sector: "equipment", kind: "equipment.telemetry",
            payload: """{"equipmentId":"E-01","equipmentType":"elevator","metric":"trapped_passenger","value":1}""");
        var report = _decoder.DecodeJsonArray(Envelopes.Array(envelope)).Accepted.Single();
        Assert.That(report.Payload, Is.EqualTo(new EquipmentTelemetry("E-01", EquipmentType.Elevator, "trapped_passenger", 1)));
    }

    [Test]
    public void TryValidate_BadUscc_NamesEnterpriseIdField()
    {
        var errors = ErrorsOf(Envelopes.ColdChain(enterpriseId: "91350100M000100Y44"));
        Assert.That(errors, Is.EqualTo(new[] { new FieldError("enterpriseId", "is not a valid Unified Social Credit Code: check character is '4', expected '3'") }));
    }

    [Test]
    public void TryValidate_BadRegion_NamesRegionField()
    {
        var errors = ErrorsOf(Envelopes.ColdChain(region: "990100"));
        Assert.That(errors, Is.EqualTo(new[] { new FieldError("region", "is not a GB/T 2260 division code: province '99' is not a GB/T 2260 province code") }));
    }

    [Test]
    public void TryValidate_UnknownKind_NamesKindField()
    {
        var errors = ErrorsOf(Envelopes.ColdChain(kind: "food.teleport"));
        Assert.That(errors, Is.EqualTo(new[] { new FieldError("kind", "'food.teleport' is not a known report kind") }));
    }

    [Test]
    public void TryValidate_ObservedAtWithoutOffset_NamesObservedAtField()
    {
        var errors = ErrorsOf(Envelopes.ColdChain(observedAt: "2026-11-27T09:00:00"));
        Assert.That(errors, Is.EqualTo(new[] { new FieldError("observedAt", "'2026-11-27T09:00:00' has no UTC offset; add Z or +hh:mm") }));
    }

    [Test]
    public void TryValidate_ObservedAtFarInFuture_IsRejected()
    {
        var errors = ErrorsOf(Envelopes.ColdChain(observedAt: "2026-11-27T03:00:00Z"));
        Assert.That(errors.Single().Field, Is.EqualTo("observedAt"));
        Assert.That(errors.Single().Message, Does.Contain("in the future"));
    }

    [Test]
    public void TryValidate_SectorDisagreesWithKind_NamesSectorField()
    {
        var errors = ErrorsOf(Envelopes.ColdChain(sector: "drug"));
        Assert.That(errors, Is.EqualTo(new[] { new FieldError("sector", "is 'drug' but kind 'food.coldchain' belongs to 'food'") }));
    }

    [Test]
    public void TryValidate_PayloadProblems_NameEachPayloadField()
    {
        var errors = ErrorsOf(Envelopes.ColdChain(payload: """{"storageClass":"warm","temperatureC":"cold","colour":"blue"}"""));
        Assert.That(errors, Is.EqualTo(new[]
        {
            new FieldError("payload.deviceId", "is required"),
            new FieldError("payload.storageClass", "'warm' is not one of frozen, chilled"),
            new FieldError("payload.temperatureC", "must be a number"),
            new FieldError("payload.colour", "is not a field of food.coldchain"),
        }));
    }

    [Test]
    public void TryValidate_TemperatureOutOfPlausibleRange_NamesField()
    {
        var errors = ErrorsOf(Envelopes.ColdChain(payload: """{"deviceId":"F-1","storageClass":"frozen","temperatureC":400}"""));
        Assert.That(errors, Is.EqualTo(new[] { new FieldError("payload.temperatureC", "400 °C is outside the plausible range -80 to 60 °C") }));
    }

    [Test]
    public void TryValidate_MissingEverything_ListsEveryRequiredField()
    {
        var errors = ErrorsOf("{}");
        Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "reportId", "enterpriseId", "region", "kind", "sector", "observedAt", "payload" }));
    }

    [Test]
    public void TryValidate_DuplicateAndUnknownEnvelopeFields_AreErrors()
    {
        var envelope = Envelopes.ColdChain().Replace("\"reportId\":\"r-1\"", "\"reportId\":\"r-1\",\"reportId\":\"r-2\",\"extra\":1", StringComparison.Ordinal);
        var errors = ErrorsOf(envelope);
        Assert.That(errors, Is.EqualTo(new[]
        {
            new FieldError("reportId", "appears more than once"),
            new FieldError("extra", "is not an envelope field (reportId, enterpriseId, region, sector, kind, observedAt, payload)"),
        }));
    }
}

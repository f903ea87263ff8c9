using Microsoft.Extensions.Time.Testing;
using Supervision.Domain.Reports;
using Supervision.Ingest.Decoding;
using Supervision.Ingest.Validation;

namespace Supervision.Ingest.Tests.Decoding;

public class FormatEquivalenceTests
{
    private const string Uscc = "91350100M000100Y43";
    private const string At = "2026-11-27T09:00:00+08:00";

    private static LogicalBatch Batch() => new LogicalBatch()
        .Add("ok-cold", Uscc, "350102", "food", "food.coldchain", At, new() { ["deviceId"] = "F-1", ["storageClass"] = "frozen", ["temperatureC"] = -14.5 })
        .Add("ok-batch", Uscc, "350102", "food", "food.batch", At, new() { ["licenceNo"] = "SC10635010200123", ["product"] = "速冻水饺, 猪肉", ["batchNo"] = "B-7", ["productionDate"] = "2026-11-01", ["shelfLifeDays"] = 365.0, ["quantity"] = 1200.0 })
        .Add("ok-sampling", Uscc, "350102", "food", "food.sampling", At, new() { ["product"] = "milk", ["testItem"] = "aflatoxin M1", ["value"] = 0.3, ["limit"] = 0.5, ["unit"] = "µg/kg" })
        .Add("ok-drug-storage", Uscc, "350102", "drug", "drug.storage", At, new() { ["warehouseId"] = "W-1", ["storageClass"] = "cold", ["temperatureC"] = 6.0 })
        .Add("ok-drug-batch", Uscc, "350102", "drug", "drug.batch", At, new() { ["approvalNo"] = "国药准字H20203456", ["batchNo"] = "L2", ["expiry"] = "2027-06-30", ["quantity"] = 50.0, ["movement"] = "out" })
        .Add("ok-adverse", Uscc, "350102", "drug", "drug.adverse_event", At, new() { ["product"] = "X", ["reaction"] = "rash", ["serious"] = false })
        .Add("ok-residue", Uscc, "350102", "agri", "agri.residue", At, new() { ["commodity"] = "spinach", ["pesticide"] = "chlorpyrifos", ["valueMgKg"] = 0.02 })
        .Add("ok-origin", Uscc, "350102", "agri", "agri.origin", At, new() { ["traceCode"] = "T-1", ["commodity"] = "tea", ["originRegion"] = "350121", ["quantityKg"] = 80.0 })
        .Add("ok-telemetry", Uscc, "350102", "equipment", "equipment.telemetry", At, new() { ["equipmentId"] = "E-1", ["equipmentType"] = "elevator", ["metric"] = "door_fault", ["value"] = 1.0 })
        .Add("ok-inspection", Uscc, "350102", "equipment", "equipment.inspection", At, new() { ["equipmentId"] = "E-1", ["equipmentType"] = "boiler", ["inspectedAt"] = "2026-05-01", ["result"] = "pass", ["nextDueDate"] = "2027-05-01" })
        .Add("bad-uscc", "91350100M000100Y44", "350102", "food", "food.coldchain", At, new() { ["deviceId"] = "F-1", ["storageClass"] = "frozen", ["temperatureC"] = -20.0 })
        .Add("bad-kind", Uscc, "350102", "food", "food.teleport", At, new() { ["deviceId"] = "F-1" })
        .Add("bad-licence", Uscc, "350102", "food", "food.batch", At, new() { ["licenceNo"] = "SC123", ["product"] = "p", ["batchNo"] = "b", ["productionDate"] = "2026-13-01", ["shelfLifeDays"] = 10.5, ["quantity"] = 1.0 })
        .Add("bad-approval", Uscc, "350102", "drug", "drug.batch", At, new() { ["approvalNo"] = "国药准字X20203456", ["batchNo"] = "L2", ["expiry"] = "2027-06-30", ["quantity"] = -5.0, ["movement"] = "sideways" })
        .Add("bad-missing", Uscc, "350102", "agri", "agri.residue", "2026-11-27T09:00:00", new() { ["commodity"] = "spinach", ["valueMgKg"] = 0.02 })
        .Add("bad-temp", Uscc, "350102", "food", "food.coldchain", At, new() { ["deviceId"] = "F-1", ["storageClass"] = "frozen", ["temperatureC"] = 99.0 })
        .Add("bad-sector", Uscc, "350102", "drug", "food.coldchain", At, new() { ["deviceId"] = "F-1", ["storageClass"] = "frozen", ["temperatureC"] = -20.0 })
        .Add("bad-future", Uscc, "350102", "food", "food.coldchain", "2026-11-29T09:00:00+08:00", new() { ["deviceId"] = "F-1", ["storageClass"] = "frozen", ["temperatureC"] = -20.0 })
        .Add("bad-extra", Uscc, "350102", "equipment", "equipment.telemetry", At, new() { ["equipmentId"] = "E-1", ["equipmentType"] = "elevator", ["metric"] = "door_fault", ["value"] = 1.0, ["deviceId"] = "F-1" })
        .Add("bad-storage", Uscc, "350102", "food", "food.coldchain", At, new() { ["deviceId"] = "F-1", ["storageClass"] = "warm", ["temperatureC"] = -20.0 })
        .Add("bad-inspection", Uscc, "350102", "equipment", "equipment.inspection", At, new() { ["equipmentId"] = "E-1", ["equipmentType"] = "boiler", ["inspectedAt"] = "2026-05-01", ["result"] = "pass", ["nextDueDate"] = "2026-04-01" });

    private static ReportDecoder Decoder() =>
        new(new ReportValidator(new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero)), TimeSpan.FromMinutes(5)));

    private static IEnumerable<TestCaseData> Formats()
    {
        yield return new TestCaseData(BodyFormat.Ndjson).SetName("Decode_Ndjson_SameVerdictsAsJsonArray");
        yield return new TestCaseData(BodyFormat.Csv).SetName("Decode_Csv_SameVerdictsAsJsonArray");
        yield return new TestCaseData(BodyFormat.Arrow).SetName("Decode_Arrow_SameVerdictsAsJsonArray");
    }

    private static byte[] Body(LogicalBatch batch, BodyFormat format) => format switch
    {
        BodyFormat.JsonArray => batch.ToJsonArray(),
        BodyFormat.Ndjson => batch.ToNdjson(),
        BodyFormat.Csv => batch.ToCsv(),
        _ => batch.ToArrow(),
    };

    [Test]
    public void Decode_JsonArray_AcceptsEveryKindAndRejectsByField()
    {
        var result = Decoder().Decode(Batch().ToJsonArray(), BodyFormat.JsonArray);
        Assert.That(result.BodyError, Is.Null);
        Assert.That(result.Accepted.Select(r => r.Kind), Is.EquivalentTo(Enum.GetValues<ReportKind>()));
        Assert.That(result.Accepted.Single(r => r.ReportId == "ok-batch").Payload,
            Is.EqualTo(new FoodBatch("SC10635010200123", "速冻水饺, 猪肉", "B-7", new DateOnly(2026, 11, 1), 365, 1200)));
        var rejected = result.Rejected.ToDictionary(r => r.ReportId!, r => r.Errors.Select(e => e.Field).ToArray());
        Assert.That(rejected["bad-uscc"], Is.EqualTo(new[] { "enterpriseId" }));
        Assert.That(rejected["bad-kind"], Is.EqualTo(new[] { "kind" }));
        Assert.That(rejected["bad-licence"], Is.EqualTo(new[] { "payload.licenceNo", "payload.productionDate", "payload.shelfLifeDays" }));
        Assert.That(rejected["bad-approval"], Is.EqualTo(new[] { "payload.approvalNo", "payload.quantity", "payload.movement" }));
        Assert.That(rejected["bad-missing"], Is.EqualTo(new[] { "observedAt", "payload.pesticide" }));
        Assert.That(rejected["bad-inspection"], Is.EqualTo(new[] { "payload.nextDueDate" }));
    }

    [TestCaseSource(nameof(Formats))]
    public void Decode_OtherFormat_SameVerdicts(BodyFormat format)
    {
        var batch = Batch();
        var reference = Decoder().Decode(batch.ToJsonArray(), BodyFormat.JsonArray);
        var result = Decoder().Decode(Body(batch, format), format);
        Assert.That(result.BodyError, Is.Null);
        Assert.That(result.Total, Is.EqualTo(reference.Total));
        Assert.That(result.Accepted, Is.EqualTo(reference.Accepted));
        Assert.That(result.Rejected.Select(Describe), Is.EqualTo(reference.Rejected.Select(Describe)));
    }

    [Test]
    public void DecodeArrow_MetadataClaimsMoreThanTheBody_IsRefusedBeforeReading()
    {
        var bytes = Batch().ToArrow();
        // The first message's metadata length (after the 0xFFFFFFFF continuation marker) now claims 1 GiB.
        BitConverter.TryWriteBytes(bytes.AsSpan(4), 1 << 30);
        var result = Decoder().Decode(bytes, BodyFormat.Arrow);
        Assert.That(result.BodyError, Is.EqualTo("body is not an acceptable Arrow IPC stream: message 1 at byte 8 claims 1073741824 bytes of metadata, more than the body holds"));
    }

    [Test]
    public void DecodeArrow_TruncatedStream_SaysWhere()
    {
        var bytes = Batch().ToArrow();
        var result = Decoder().Decode(bytes.AsSpan(0, bytes.Length / 2), BodyFormat.Arrow);
        Assert.That(result.BodyError, Does.StartWith("body is not an acceptable Arrow IPC stream: message 2 at byte "));
    }

    private static string Describe(RecordError error) =>
        $"{error.Index} {error.ReportId}: " + string.Join("; ", error.Errors.Select(e => $"{e.Field} {e.Message}"));
}

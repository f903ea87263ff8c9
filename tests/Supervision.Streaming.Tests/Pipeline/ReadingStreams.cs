using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Supervision.Domain.Alerts;
using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;
using Supervision.Scoring.Models;
using Supervision.Streaming.Pipeline;

namespace Supervision.Streaming.Tests.Pipeline;

/// <summary>Builders for report streams in virtual time: each reading is a batch at its minute, observed then.</summary>
internal static class ReadingStreams
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);
    public static readonly EnterpriseId Enterprise = EnterpriseId.Parse("91350100M000100Y43");
    public static readonly RegionCode Region = RegionCode.Parse("350102");

    public static Report ColdChain(DateTimeOffset at, double temperature, FoodStorageClass storage = FoodStorageClass.Frozen, string device = "F-17") =>
        new($"{device}-{at:HHmmss}", Enterprise, Region, ReportKind.FoodColdChain, at, new ColdChainReading(device, storage, temperature));

    public static Report Elevator(DateTimeOffset at, double trapped) =>
        new($"E-{at:HHmmss}", Enterprise, Region, ReportKind.EquipmentTelemetry, at, new EquipmentTelemetry("E-01", EquipmentType.Elevator, EquipmentMetrics.TrappedPassenger, trapped));

    public static readonly DateOnly Today = DateOnly.FromDateTime(Start.UtcDateTime);

    public static Report DrugStore(int minute, double temperature, DrugStorageClass storage = DrugStorageClass.Cold) =>
        new($"W-{minute}", Enterprise, Region, ReportKind.DrugStorage, Start.AddMinutes(minute), new DrugStorageReading("W-01", storage, temperature));

    public static Report Residue(int minute, string commodity, string pesticide, double value) =>
        new($"R-{minute}", Enterprise, Region, ReportKind.AgriResidue, Start.AddMinutes(minute), new AgriResidue(commodity, pesticide, value));

    public static Report Inspection(DateTimeOffset at, DateOnly inspected, DateOnly due, InspectionResult result = InspectionResult.Pass) =>
        new($"I-{at:yyyyMMddHHmm}", Enterprise, Region, ReportKind.EquipmentInspection, at, new EquipmentInspection("E-01", EquipmentType.Elevator, inspected, result, due));

    public static Report DrugMovement(DateTimeOffset at, DateOnly expiry, Movement movement, string batch = "B001") =>
        new($"D-{at:yyyyMMddHHmm}", Enterprise, Region, ReportKind.DrugBatch, at, new DrugBatch("国药准字H20001234", batch, expiry, 40, movement));

    /// <summary>Runs each report through <paramref name="engine"/> as a batch of its own, observed when it was.</summary>
    public static void Feed(SupervisionEngine engine, List<Alert> changes, params Report[] reports)
    {
        foreach (var report in reports)
        {
            engine.Process(new ReportBatch([report], report.ObservedAt), changes);
        }
    }

    /// <summary>One batch per entry, delivered at <see cref="Start"/> plus its minute on <paramref name="scheduler"/>.</summary>
    public static IObservable<ReportBatch> AtMinutes(IScheduler scheduler, IEnumerable<(double Minute, Func<DateTimeOffset, Report> Make)> readings) =>
        readings
            .Select(r => Observable.Timer(Start + TimeSpan.FromMinutes(r.Minute), scheduler)
                .Select(_ => new ReportBatch([r.Make(scheduler.Now)], scheduler.Now)))
            .Merge();

    /// <summary>A frozen-store reading each minute, temperatures in order.</summary>
    public static IObservable<ReportBatch> FrozenSeries(IScheduler scheduler, params double[] temperatures) =>
        AtMinutes(scheduler, temperatures.Select((t, i) => ((double)i, (Func<DateTimeOffset, Report>)(at => ColdChain(at, t)))));
}

/// <summary>A scorer that returns one value, for rule tests that do not test the model.</summary>
internal sealed class FixedScorer(double score) : IRiskScorer
{
    public string ModelVersion => "fixed@1";

    public double Score(ReadOnlySpan<float> features) => score;
}

namespace Supervision.Domain.Reports;

/// <summary>The report kinds of DOMAIN.md; the wire name is <c>sector.kind</c>, e.g. <c>food.coldchain</c>.</summary>
public enum ReportKind : byte
{
    FoodColdChain = 1,
    FoodBatch,
    FoodSampling,
    DrugStorage,
    DrugBatch,
    DrugAdverseEvent,
    AgriResidue,
    AgriOrigin,
    EquipmentTelemetry,
    EquipmentInspection,
}

/// <summary>Wire names and sectors of report kinds.</summary>
public static class ReportKinds
{
    private static readonly (ReportKind Kind, string Name, Reports.Sector Sector)[] Table =
    [
        (ReportKind.FoodColdChain, "food.coldchain", Sector.Food),
        (ReportKind.FoodBatch, "food.batch", Sector.Food),
        (ReportKind.FoodSampling, "food.sampling", Sector.Food),
        (ReportKind.DrugStorage, "drug.storage", Sector.Drug),
        (ReportKind.DrugBatch, "drug.batch", Sector.Drug),
        (ReportKind.DrugAdverseEvent, "drug.adverse_event", Sector.Drug),
        (ReportKind.AgriResidue, "agri.residue", Sector.Agri),
        (ReportKind.AgriOrigin, "agri.origin", Sector.Agri),
        (ReportKind.EquipmentTelemetry, "equipment.telemetry", Sector.Equipment),
        (ReportKind.EquipmentInspection, "equipment.inspection", Sector.Equipment),
    ];

    /// <summary>The wire name, e.g. <c>food.coldchain</c>.</summary>
    public static string Name(this ReportKind kind) => Table[(int)kind - 1].Name;

    /// <summary>The sector the kind belongs to.</summary>
    public static Sector SectorOf(this ReportKind kind) => Table[(int)kind - 1].Sector;

    /// <summary>Parses a wire name (exact).</summary>
    public static bool TryParse(ReadOnlySpan<char> name, out ReportKind kind)
    {
        foreach (var row in Table)
        {
            if (name.SequenceEqual(row.Name))
            {
                kind = row.Kind;
                return true;
            }
        }
        kind = 0;
        return false;
    }
}

using System.Text.Json.Serialization;

namespace Supervision.Domain.Reports;

/// <summary>The regulated sectors; each report kind belongs to one.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Sector>))]
public enum Sector : byte
{
    [JsonStringEnumMemberName("food")] Food = 1,
    [JsonStringEnumMemberName("drug")] Drug,
    [JsonStringEnumMemberName("agri")] Agri,
    [JsonStringEnumMemberName("equipment")] Equipment,
}

/// <summary>Names of sectors as they appear on the wire.</summary>
public static class Sectors
{
    /// <summary>All sectors, in declaration order.</summary>
    public static IReadOnlyList<Sector> All { get; } = [Sector.Food, Sector.Drug, Sector.Agri, Sector.Equipment];

    /// <summary>The wire name: <c>food</c>, <c>drug</c>, <c>agri</c> or <c>equipment</c>.</summary>
    public static string Name(this Sector sector) => sector switch
    {
        Sector.Food => "food",
        Sector.Drug => "drug",
        Sector.Agri => "agri",
        Sector.Equipment => "equipment",
        _ => throw new ArgumentOutOfRangeException(nameof(sector), sector, null),
    };

    /// <summary>Parses a wire name (exact, lower case).</summary>
    public static bool TryParse(ReadOnlySpan<char> name, out Sector sector)
    {
        sector = name switch
        {
            "food" => Sector.Food,
            "drug" => Sector.Drug,
            "agri" => Sector.Agri,
            "equipment" => Sector.Equipment,
            _ => 0,
        };
        return sector != 0;
    }
}

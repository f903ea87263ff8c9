using System.Globalization;
using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;

namespace Supervision.Streaming.Rules.Data;

/// <summary>A registered piece of special equipment (特种设备使用登记) and its rated values.</summary>
/// <param name="EnterpriseId">The user of the equipment (USCC).</param>
/// <param name="EquipmentId">The owner's id of the equipment, as its reports name it.</param>
/// <param name="Type">What it is.</param>
/// <param name="CommissionedOn">When it was put into service (the inspection calendar counts from it).</param>
/// <param name="RatedSpeedMs">An elevator's rated speed, m/s, if registered.</param>
/// <param name="RatedPressureMpa">A boiler's or pressure vessel's rated working pressure, MPa, if registered.</param>
public sealed record RegisteredEquipment(string EnterpriseId, string EquipmentId, EquipmentType Type, DateOnly CommissionedOn, double? RatedSpeedMs, double? RatedPressureMpa);

/// <summary>
/// The equipment register, loaded as data (<c>Rules:EquipmentRegisterFile</c>, CSV
/// <c>enterpriseId,equipmentId,equipmentType,commissionedOn,ratedSpeedMs,ratedPressureMpa</c>, rated values empty
/// where they do not apply). Rated values come with the equipment, never from a constant.
/// </summary>
public sealed class EquipmentRegister
{
    private readonly Dictionary<(string Enterprise, string Equipment), RegisteredEquipment> _items;
    private readonly Dictionary<string, List<RegisteredEquipment>> _byEnterprise;

    private EquipmentRegister(Dictionary<(string, string), RegisteredEquipment> items)
    {
        _items = items;
        _byEnterprise = items.Values.GroupBy(e => e.EnterpriseId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }

    /// <summary>Nothing registered.</summary>
    public static EquipmentRegister Empty { get; } = new([]);

    /// <summary>Equipment registered.</summary>
    public int Count => _items.Count;

    /// <summary>Loads the register; null or empty is the empty register.</summary>
    /// <exception cref="RuleDataException">The file is missing or a line is malformed.</exception>
    public static EquipmentRegister Load(string? file)
    {
        var items = new Dictionary<(string, string), RegisteredEquipment>();
        string[] header = ["enterpriseId", "equipmentId", "equipmentType", "commissionedOn", "ratedSpeedMs", "ratedPressureMpa"];
        RuleTable.Read(file, null, header, (f, where) =>
        {
            if (EnterpriseId.Validate(f[0]) is { } error)
            {
                throw new RuleDataException($"{where}: enterpriseId '{f[0]}' {error}");
            }
            if (!PayloadNames.TryParseType(f[2], out var type))
            {
                throw new RuleDataException($"{where}: equipmentType '{f[2]}' must be elevator, boiler, pressure_vessel or crane");
            }
            if (!DateOnly.TryParseExact(f[3], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var commissioned))
            {
                throw new RuleDataException($"{where}: commissionedOn '{f[3]}' is not a date (yyyy-MM-dd)");
            }
            var speed = Rated(f[4], "ratedSpeedMs", where);
            var pressure = Rated(f[5], "ratedPressureMpa", where);
            if (!items.TryAdd((f[0], f[1]), new RegisteredEquipment(f[0], f[1], type, commissioned, speed, pressure)))
            {
                throw new RuleDataException($"{where}: equipment {f[1]} of {f[0]} is registered twice");
            }
        }, "ratedSpeedMs", "ratedPressureMpa");
        return new EquipmentRegister(items);
    }

    /// <summary>The registration of a piece of equipment, if registered.</summary>
    public RegisteredEquipment? Find(string enterpriseId, string equipmentId) => _items.GetValueOrDefault((enterpriseId, equipmentId));

    /// <summary>Equipment registered to an enterprise.</summary>
    public IReadOnlyList<RegisteredEquipment> Of(string enterpriseId) => _byEnterprise.TryGetValue(enterpriseId, out var list) ? list : [];

    private static double? Rated(string text, string field, string where)
    {
        if (text.Length == 0)
        {
            return null;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || double.IsInfinity(value))
        {
            throw new RuleDataException($"{where}: {field} '{text}' is not a positive number");
        }
        return value;
    }
}

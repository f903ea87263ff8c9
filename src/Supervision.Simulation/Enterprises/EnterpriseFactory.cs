using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;

namespace Supervision.Simulation.Enterprises;

/// <summary>Creates reproducible populations of enterprises with valid USCCs in real divisions.</summary>
public static class EnterpriseFactory
{
    /// <summary>
    /// <paramref name="count"/> enterprises from <paramref name="random"/>: all four sectors (food 40 %, drug 20 %,
    /// agri 15 %, equipment 25 %), one to three devices each, and a skewed propensity (most enterprises comply, a
    /// few often do not).
    /// </summary>
    public static IReadOnlyList<SimulatedEnterprise> Create(int count, Random random)
    {
        var enterprises = new List<SimulatedEnterprise>(count);
        var used = new HashSet<string>();
        while (enterprises.Count < count)
        {
            var (region, _) = SimulatedRegions.All[random.Next(SimulatedRegions.All.Count)];
            var id = NewId(region, random);
            if (!used.Add(id.Value))
            {
                continue;
            }
            var draw = random.NextDouble();
            var sector = draw < 0.4 ? Sector.Food : draw < 0.6 ? Sector.Drug : draw < 0.75 ? Sector.Agri : Sector.Equipment;
            // Squaring a uniform skews towards compliance: mean 1/3, a long tail of risky enterprises.
            var u = random.NextDouble();
            var propensity = u * u;
            var devices = new SimulatedDevice[1 + random.Next(3)];
            for (var d = 0; d < devices.Length; d++)
            {
                devices[d] = sector switch
                {
                    Sector.Food => new SimulatedDevice($"F-{d + 1:D2}", random.NextDouble() < 0.7 ? FoodStorageClass.Frozen : FoodStorageClass.Chilled, 0),
                    Sector.Drug => new SimulatedDevice($"W-{d + 1:D2}", 0, 0, (DrugStorageClass)(1 + random.Next(3))),
                    Sector.Agri => new SimulatedDevice($"Q-{d + 1:D2}", 0, 0),
                    _ => new SimulatedDevice($"E-{d + 1:D2}", 0, EquipmentType.Elevator),
                };
            }
            enterprises.Add(new SimulatedEnterprise(id, RegionCode.Parse(region), sector, propensity, devices));
        }
        return enterprises;
    }

    /// <summary>A valid USCC: authority 9 (industry and commerce), type 1 (enterprise), the division, a random organisation code.</summary>
    public static EnterpriseId NewId(string region, Random random)
    {
        Span<char> code = stackalloc char[17];
        code[0] = '9';
        code[1] = '1';
        region.AsSpan().CopyTo(code[2..]);
        for (var i = 8; i < 17; i++)
        {
            code[i] = EnterpriseId.Alphabet[random.Next(EnterpriseId.Alphabet.Length)];
        }
        var check = EnterpriseId.CheckCharacter(code);
        return EnterpriseId.Parse(string.Concat(code, [check]));
    }
}

using System.Globalization;


namespace Supervision.Streaming.Rules.Data;

/// <summary>The limit a residue measurement is judged against, and the food entry of the table it came from.</summary>
/// <param name="MrlMgKg">Maximum residue limit, mg/kg.</param>
/// <param name="Food">The commodity, subgroup or group the limit is set for.</param>
public readonly record struct ResidueLimit(double MrlMgKg, string Food);

/// <summary>
/// Maximum residue limits in the shape of GB 2763: limits per pesticide and food, where the food is a commodity, a
/// subgroup or a group of the food classification. A commodity's limit is looked up commodity → subgroup → group,
/// the most specific entry winning. Names compare ordinally after trimming; Latin letters ignore case.
/// </summary>
/// <remarks>
/// The built-in tables are small samples, not the official ones (their files say so); a deployment loads the
/// official tables from CSV files (<c>Rules:ResidueLimitsFile</c>, <c>Rules:FoodClassificationFile</c>).
/// </remarks>
public sealed class ResidueLimits
{
    private readonly Dictionary<string, (string Subgroup, string Group)> _classification;
    private readonly Dictionary<(string Pesticide, string Food), double> _limits;

    private ResidueLimits(Dictionary<string, (string, string)> classification, Dictionary<(string, string), double> limits, bool sample)
    {
        _classification = classification;
        _limits = limits;
        IsSample = sample;
    }

    /// <summary>True for the built-in sample tables: limits then come from an illustration, not GB 2763 itself.</summary>
    public bool IsSample { get; }

    /// <summary>Limits in the table.</summary>
    public int Count => _limits.Count;

    /// <summary>The built-in sample tables.</summary>
    public static ResidueLimits Sample { get; } = Load(null, null);

    /// <summary>
    /// Loads the limits from <paramref name="limitsFile"/> (header <c>pesticide,food,mrlMgKg</c>) and the
    /// classification from <paramref name="classificationFile"/> (header <c>commodity,subgroup,group</c>); null or
    /// empty takes the built-in sample for that table. Lines starting with <c>#</c> and blank lines are skipped.
    /// </summary>
    /// <exception cref="RuleDataException">A file is missing or a line is malformed; the message names file and line.</exception>
    public static ResidueLimits Load(string? limitsFile, string? classificationFile)
    {
        var classification = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase);
        RuleTable.Read(classificationFile, "gb2763-classification.sample.csv", ["commodity", "subgroup", "group"], (fields, where) =>
        {
            if (!classification.TryAdd(fields[0], (fields[1], fields[2])))
            {
                throw new RuleDataException($"{where}: commodity '{fields[0]}' is classified twice");
            }
        });
        var limits = new Dictionary<(string, string), double>(PairComparer.Instance);
        RuleTable.Read(limitsFile, "gb2763-limits.sample.csv", ["pesticide", "food", "mrlMgKg"], (fields, where) =>
        {
            if (!double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var mrl) || !(mrl > 0) || double.IsInfinity(mrl))
            {
                throw new RuleDataException($"{where}: mrlMgKg '{fields[2]}' is not a positive number");
            }
            if (!limits.TryAdd((fields[0], fields[1]), mrl))
            {
                throw new RuleDataException($"{where}: a limit for {fields[0]} on {fields[1]} is listed twice");
            }
        });
        return new ResidueLimits(classification, limits, string.IsNullOrWhiteSpace(limitsFile));
    }

    /// <summary>The limit for <paramref name="pesticide"/> on <paramref name="commodity"/>; false when the table sets none.</summary>
    public bool TryFind(string commodity, string pesticide, out ResidueLimit limit)
    {
        commodity = commodity.Trim();
        pesticide = pesticide.Trim();
        if (TryLimit(pesticide, commodity, out limit))
        {
            return true;
        }
        if (_classification.TryGetValue(commodity, out var classes))
        {
            return TryLimit(pesticide, classes.Subgroup, out limit) || TryLimit(pesticide, classes.Group, out limit);
        }
        return false;
    }

    private bool TryLimit(string pesticide, string food, out ResidueLimit limit)
    {
        var found = _limits.TryGetValue((pesticide, food), out var mrl);
        limit = found ? new ResidueLimit(mrl, food) : default;
        return found;
    }

    private sealed class PairComparer : IEqualityComparer<(string, string)>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals((string, string) x, (string, string) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Item1, y.Item1) && StringComparer.OrdinalIgnoreCase.Equals(x.Item2, y.Item2);

        public int GetHashCode((string, string) pair) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(pair.Item1), StringComparer.OrdinalIgnoreCase.GetHashCode(pair.Item2));
    }
}

using System.Globalization;

namespace Supervision.Streaming.Rules.Data;

/// <summary>One recalled batch: when the recall was issued and why.</summary>
/// <param name="Kind"><c>drug</c> or <c>food</c>.</param>
/// <param name="LicenceNo">The drug approval number or food production licence the batch was made under.</param>
/// <param name="BatchNo">The batch.</param>
/// <param name="RecalledOn">The date of the recall.</param>
/// <param name="Reason">Why it was recalled.</param>
public sealed record RecalledBatch(string Kind, string LicenceNo, string BatchNo, DateOnly RecalledOn, string Reason);

/// <summary>
/// Recalled drug and food batches, loaded as data (<c>Rules:RecallListFile</c>, CSV
/// <c>kind,licenceNo,batchNo,recalledOn,reason</c>): any movement of a listed batch is a critical alert.
/// </summary>
public sealed class RecallList
{
    private readonly Dictionary<(string Licence, string Batch), RecalledBatch> _batches;

    private RecallList(Dictionary<(string, string), RecalledBatch> batches) => _batches = batches;

    /// <summary>No recalls.</summary>
    public static RecallList Empty { get; } = new([]);

    /// <summary>Recalls listed.</summary>
    public int Count => _batches.Count;

    /// <summary>Loads the list; null or empty is the empty list.</summary>
    /// <exception cref="RuleDataException">The file is missing or a line is malformed.</exception>
    public static RecallList Load(string? file)
    {
        var batches = new Dictionary<(string, string), RecalledBatch>();
        RuleTable.Read(file, null, ["kind", "licenceNo", "batchNo", "recalledOn", "reason"], (f, where) =>
        {
            if (f[0] is not ("drug" or "food"))
            {
                throw new RuleDataException($"{where}: kind '{f[0]}' must be 'drug' or 'food'");
            }
            if (!DateOnly.TryParseExact(f[3], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var on))
            {
                throw new RuleDataException($"{where}: recalledOn '{f[3]}' is not a date (yyyy-MM-dd)");
            }
            if (!batches.TryAdd((f[1], f[2]), new RecalledBatch(f[0], f[1], f[2], on, f[4])))
            {
                throw new RuleDataException($"{where}: batch {f[2]} of {f[1]} is listed twice");
            }
        });
        return new RecallList(batches);
    }

    /// <summary>The recall of a batch, if it is recalled.</summary>
    public RecalledBatch? Find(string licenceNo, string batchNo) => _batches.GetValueOrDefault((licenceNo, batchNo));
}

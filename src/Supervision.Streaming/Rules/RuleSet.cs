using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Supervision.Streaming.Rules.Data;

namespace Supervision.Streaming.Rules;

/// <summary>
/// The rules' options and data tables in force, and their version: <c>rules@</c> and the first eight hexadecimal
/// digits of a SHA-256 over the options and the bytes of every data file, so the same settings always give the
/// same version and any change gives another. Every alert records the version that judged it.
/// </summary>
public sealed class RuleSet
{
    private RuleSet(RuleOptions options, ResidueLimits residues, RecallList recalls, EquipmentRegister equipment, string version)
    {
        Options = options;
        Residues = residues;
        Recalls = recalls;
        Equipment = equipment;
        Version = version;
    }

    /// <summary>The options.</summary>
    public RuleOptions Options { get; }

    /// <summary>GB 2763 maximum residue limits and food classification.</summary>
    public ResidueLimits Residues { get; }

    /// <summary>Recalled drug and food batches.</summary>
    public RecallList Recalls { get; }

    /// <summary>Registered special equipment with rated values and commissioning dates.</summary>
    public EquipmentRegister Equipment { get; }

    /// <summary>E.g. <c>rules@3f2a9c01</c>.</summary>
    public string Version { get; }

    /// <summary>The rule set of the default options and the built-in sample tables.</summary>
    public static RuleSet Default { get; } = Load(new RuleOptions());

    /// <summary>Checks <paramref name="options"/> and loads the data files they name.</summary>
    /// <exception cref="RuleDataException">An option is invalid or a data file is missing or malformed; the message names the key, file and line.</exception>
    public static RuleSet Load(RuleOptions options)
    {
        if (options.Validate() is { } problem)
        {
            throw new RuleDataException(problem);
        }
        ResidueLimits residues;
        RecallList recalls;
        EquipmentRegister equipment;
        try
        {
            residues = ResidueLimits.Load(options.ResidueLimitsFile, options.FoodClassificationFile);
        }
        catch (RuleDataException e)
        {
            throw new RuleDataException("Rules:ResidueLimitsFile / Rules:FoodClassificationFile: " + e.Message);
        }
        try
        {
            recalls = RecallList.Load(options.RecallListFile);
        }
        catch (RuleDataException e)
        {
            throw new RuleDataException("Rules:RecallListFile: " + e.Message);
        }
        try
        {
            equipment = EquipmentRegister.Load(options.EquipmentRegisterFile);
        }
        catch (RuleDataException e)
        {
            throw new RuleDataException("Rules:EquipmentRegisterFile: " + e.Message);
        }
        return new RuleSet(options, residues, recalls, equipment, VersionOf(options));
    }

    /// <summary>The data files the options name (to watch them).</summary>
    public static IEnumerable<string> DataFiles(RuleOptions options) =>
        new[] { options.ResidueLimitsFile, options.FoodClassificationFile, options.RecallListFile, options.EquipmentRegisterFile }
            .Where(f => !string.IsNullOrWhiteSpace(f));

    private static string VersionOf(RuleOptions options)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(options, OptionsJson));
        foreach (var file in DataFiles(options))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file)));
            hash.AppendData(File.ReadAllBytes(file));
        }
        return "rules@" + Convert.ToHexStringLower(hash.GetHashAndReset())[..8];
    }

    private static readonly JsonSerializerOptions OptionsJson = new() { WriteIndented = false };
}

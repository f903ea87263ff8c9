using Supervision.Streaming.Rules;

namespace Supervision.Streaming.Tests.Rules;

/// <summary>Rule sets with data tables written to files for the test.</summary>
internal static class RuleSets
{
    /// <summary>A rule set whose equipment register and recall list hold the given CSV text (null: none).</summary>
    public static RuleSet With(string? register = null, string? recalls = null, Action<RuleOptions>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "supervision-rules-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var options = new RuleOptions();
        if (register is not null)
        {
            options.EquipmentRegisterFile = Path.Combine(directory, "equipment.csv");
            File.WriteAllText(options.EquipmentRegisterFile, "enterpriseId,equipmentId,equipmentType,commissionedOn,ratedSpeedMs,ratedPressureMpa\n" + register);
        }
        if (recalls is not null)
        {
            options.RecallListFile = Path.Combine(directory, "recalls.csv");
            File.WriteAllText(options.RecallListFile, "kind,licenceNo,batchNo,recalledOn,reason\n" + recalls);
        }
        configure?.Invoke(options);
        return RuleSet.Load(options);
    }
}

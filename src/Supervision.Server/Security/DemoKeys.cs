using Supervision.Ingest.Security;

namespace Supervision.Server.Security;

/// <summary>
/// Keys that exist only while the demo feed is on, printed at start so a newcomer can post at once. They are
/// well known by design: never enable the demo on a server that matters.
/// </summary>
public static class DemoKeys
{
    /// <summary>The README's example enterprise, which the demo feed simulates.</summary>
    public const string EnterpriseId = "91350100M000100Y43";

    /// <summary>Enterprise key of the README's example enterprise.</summary>
    public const string Enterprise = "sk_demo_91350100M000100Y43";

    /// <summary>Platform key for every region (what <c>supervision simulate</c> uses against the demo).</summary>
    public const string Platform = "sk_demo_platform";

    public static IReadOnlyList<(string Key, ApiKeyEntry Entry)> All { get; } =
    [
        (Enterprise, new ApiKeyEntry { KeyHash = "", EnterpriseId = DemoKeys.EnterpriseId }),
        (Platform, new ApiKeyEntry { KeyHash = "", Jurisdiction = "" }),
    ];
}

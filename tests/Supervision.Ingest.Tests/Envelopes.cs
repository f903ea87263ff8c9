using System.Text;

namespace Supervision.Ingest.Tests;

/// <summary>Builds envelope JSON for tests: a valid cold-chain reading with any field replaced.</summary>
internal static class Envelopes
{
    public const string Enterprise = "91350100M000100Y43";

    public static string ColdChain(
        string reportId = "r-1",
        string enterpriseId = Enterprise,
        string region = "350100",
        string sector = "food",
        string kind = "food.coldchain",
        string observedAt = "2026-11-27T09:00:00+08:00",
        string? payload = null) =>
        $$"""{"reportId":"{{reportId}}","enterpriseId":"{{enterpriseId}}","region":"{{region}}","sector":"{{sector}}","kind":"{{kind}}","observedAt":"{{observedAt}}","payload":{{payload ?? """{"deviceId":"F-17","storageClass":"frozen","temperatureC":-14.5}"""}}}""";

    public static byte[] Array(params string[] envelopes) => Encoding.UTF8.GetBytes("[" + string.Join(",", envelopes) + "]");

    public static byte[] Ndjson(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
}

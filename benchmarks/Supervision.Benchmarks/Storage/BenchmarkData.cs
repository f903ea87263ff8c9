using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;

namespace Supervision.Benchmarks.Storage;

/// <summary>Reports for storage benchmarks: cold-chain readings of many enterprises, unique ids, two weeks of event time.</summary>
internal static class BenchmarkData
{
    public static readonly DateTimeOffset Start = new(2026, 11, 9, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Regions = ["350102", "350103", "350203", "350583", "110105", "110108", "310115", "440305"];

    public static EnterpriseId[] Enterprises(int count) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var first17 = "9135010" + i.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
            return EnterpriseId.Parse(first17 + EnterpriseId.CheckCharacter(first17));
        })];

    /// <summary><paramref name="count"/> reports numbered from <paramref name="first"/>, spread over 14 days.</summary>
    public static Report[] Reports(EnterpriseId[] enterprises, long first, int count, string prefix)
    {
        var reports = new Report[count];
        var random = new Random((int)(first % int.MaxValue) + 17);
        for (var i = 0; i < count; i++)
        {
            var n = first + i;
            var enterprise = (int)(n % enterprises.Length);
            reports[i] = new Report(
                prefix + n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                enterprises[enterprise],
                RegionCode.Parse(Regions[enterprise % Regions.Length]),
                ReportKind.FoodColdChain,
                Start.AddSeconds(random.Next(14 * 24 * 3600)),
                new ColdChainReading("F-" + (n % 5).ToString(System.Globalization.CultureInfo.InvariantCulture), FoodStorageClass.Frozen, -25 + (random.NextDouble() * 12)));
        }
        return reports;
    }

    public static string NewDirectory(string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), "supervision-benchmarks", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        return directory;
    }
}

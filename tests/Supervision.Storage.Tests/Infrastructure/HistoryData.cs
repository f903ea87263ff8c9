using Supervision.Domain.Alerts;
using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;
using Supervision.Storage.History;
using Supervision.Storage.Queries;

namespace Supervision.Storage.Tests.Infrastructure;

/// <summary>Builders of history: a small hand-checked set, and a larger seeded random set for cross-backend comparison.</summary>
public static class HistoryData
{
    /// <summary>Monday 2026-11-23 00:00 UTC.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    public const string E1 = "91350100M000100Y43";
    public const string E2 = "91110000600037341L";
    public static readonly string E3 = MakeId("91350100MA0000301");

    public static string MakeId(string first17) => first17 + EnterpriseId.CheckCharacter(first17);

    public static Report Coldchain(string reportId, string enterprise, string region, DateTimeOffset at, double temperature, string device = "F-1") =>
        new(reportId, EnterpriseId.Parse(enterprise), RegionCode.Parse(region), ReportKind.FoodColdChain, at,
            new ColdChainReading(device, FoodStorageClass.Frozen, temperature));

    public static RiskScoreRecord Score(string id, string enterprise, string region, Sector sector, DateTimeOffset at, double score, string reason) =>
        new(id, enterprise, region, sector, at, score, "risk@1", [new ExplanationItem(reason, 1, null, 0.3), new ExplanationItem("other", 0, null, 0.1)]);

    public static Alert Alert(string id, string enterprise, string region, Sector sector, Severity severity, AlertStatus status,
        DateTimeOffset firstSeen, DateTimeOffset lastSeen, int count, string summary = "frozen store at -12 °C") => new()
    {
        AlertId = id,
        Key = "haccp.frozen.max/" + enterprise + "/F-1",
        EnterpriseId = enterprise,
        Region = region,
        Sector = sector,
        Kind = sector == Sector.Food ? "food.coldchain" : "equipment.telemetry",
        Severity = severity,
        Status = status,
        RiskScore = 0.75,
        RuleId = "haccp.frozen.max",
        ModelVersion = "risk@1",
        RuleVersion = "rules@0a1b2c3d",
        Explanation = [new ExplanationItem("temperatureC", -12, -18, null)],
        Summary = summary,
        FirstSeen = firstSeen,
        LastSeen = lastSeen,
        Count = count,
    };

    /// <summary>The small set the conformance tests check by hand (see each test for the arithmetic).</summary>
    public static async Task WriteSmallAsync(IHistoryStore store)
    {
        var none = CancellationToken.None;
        Report[] e1Reports =
        [
            Coldchain("r-1", E1, "350102", T0.AddMinutes(60), -12.5),
            Coldchain("r-2", E1, "350102", T0.AddMinutes(120), -11),
            Coldchain("r-3", E1, "350102", T0.AddDays(1).AddMinutes(60), -19),
        ];
        await store.AppendReportsAsync(e1Reports, T0.AddDays(2), none);
        // A retried batch: must not count twice.
        await store.AppendReportsAsync(e1Reports[..2], T0.AddDays(2).AddSeconds(1), none);
        await store.AppendReportsAsync([Coldchain("r-4", E2, "110105", T0.AddMinutes(61), -20)], T0.AddDays(2), none);

        RiskScoreRecord[] scores =
        [
            Score("s-1", E1, "350102", Sector.Food, T0.AddHours(1), 0.2, "temperatureC"),
            Score("s-2", E1, "350102", Sector.Food, T0.AddHours(2), 0.8, "excursionMinutes"),
            Score("s-3", E1, "350102", Sector.Food, T0.AddDays(1).AddHours(1), 0.6, "excursionMinutes"),
            Score("s-4", E2, "110105", Sector.Equipment, T0.AddHours(1), 0.9, "trapped_passenger"),
            Score("s-5", E2, "110105", Sector.Equipment, T0.AddDays(7).AddHours(1), 0.1, "door_fault"),
            Score("s-6", E3, "350103", Sector.Food, T0.AddHours(2), 0.5, "temperatureC"),
        ];
        await store.AppendScoresAsync(scores, none);
        await store.AppendScoresAsync(scores[..3], none);

        var a1Open = Alert("a-1", E1, "350102", Sector.Food, Severity.Warning, AlertStatus.Open, T0.AddMinutes(110), T0.AddMinutes(120), 1);
        var a1Ack = a1Open with { Status = AlertStatus.Acknowledged, LastSeen = T0.AddMinutes(125), Count = 2 };
        var a1Resolved = a1Open with { Status = AlertStatus.Resolved, LastSeen = T0.AddMinutes(150), Count = 5 };
        var a2Open = Alert("a-2", E2, "110105", Sector.Equipment, Severity.Critical, AlertStatus.Open, T0.AddMinutes(55), T0.AddMinutes(60), 1, "passenger trapped");
        var a2Resolved = a2Open with { Status = AlertStatus.Resolved, LastSeen = T0.AddMinutes(75), Count = 3 };
        var a3Open = Alert("a-3", E1, "350102", Sector.Food, Severity.Critical, AlertStatus.Open, T0.AddDays(1).AddMinutes(50), T0.AddDays(1).AddMinutes(60), 1);
        var a3Ack = a3Open with { Status = AlertStatus.Acknowledged, LastSeen = T0.AddDays(1).AddMinutes(70), Count = 2 };
        await store.AppendAlertsAsync([a2Open], T0.AddHours(1), none);
        await store.AppendAlertsAsync([a1Open], T0.AddHours(2), none);
        await store.AppendAlertsAsync([a1Ack], T0.AddHours(2).AddMinutes(10), none);
        await store.AppendAlertsAsync([a2Resolved], T0.AddHours(1).AddMinutes(20), none);
        await store.AppendAlertsAsync([a1Resolved], T0.AddHours(3), none);
        await store.AppendAlertsAsync([a1Resolved], T0.AddHours(3), none);
        await store.AppendAlertsAsync([a3Open], T0.AddDays(1).AddHours(1), none);
        await store.AppendAlertsAsync([a3Ack], T0.AddDays(1).AddHours(1).AddMinutes(30), none);

        await store.AppendGradeChangesAsync(
            [new GradeChange(E1, "350102", Sector.Food, CreditGrade.B, CreditGrade.C, 0.8, [new ExplanationItem("excursionMinutes", 40, null, 0.3)], "risk@1", T0.AddHours(3))],
            none);
        await store.AppendSnapshotsAsync([new RiskSnapshot(E1, "350102", Sector.Food, T0.AddHours(4), 0.7, CreditGrade.C, "risk@1")], none);
        await store.AppendSnapshotsAsync([new RiskSnapshot(E1, "350102", Sector.Food, T0.AddHours(4), 0.7, CreditGrade.C, "risk@1")], none);
    }

    /// <summary>A seeded random history: <paramref name="enterprises"/> enterprises over two weeks.</summary>
    public static async Task WriteRandomAsync(IHistoryStore store, int seed, int enterprises, int reportsPerEnterprise)
    {
        var random = new Random(seed);
        string[] regions = ["350102", "350103", "350203", "110105", "110108", "440305"];
        string[] reasons = ["temperatureC", "excursionMinutes", "trapped_passenger", "door_fault", "pressure_mpa"];
        var reports = new List<Report>();
        var scores = new List<RiskScoreRecord>();
        var alerts = new List<(Alert Alert, DateTimeOffset At)>();
        for (var e = 0; e < enterprises; e++)
        {
            var id = MakeId("9135010" + e.ToString("D10", System.Globalization.CultureInfo.InvariantCulture));
            var region = regions[e % regions.Length];
            var sector = region.StartsWith("11", StringComparison.Ordinal) ? Sector.Equipment : Sector.Food;
            for (var i = 0; i < reportsPerEnterprise; i++)
            {
                var at = T0.AddSeconds(random.Next(14 * 24 * 3600));
                reports.Add(Coldchain($"{id}-r{i}", id, region, at, Math.Round(-25 + (random.NextDouble() * 15), 2), "F-" + (i % 3)));
                if (i % 3 == 0)
                {
                    scores.Add(Score($"{id}-s{i}", id, region, sector, at, Math.Round(random.NextDouble(), 4), reasons[random.Next(reasons.Length)]));
                }
            }
            for (var a = 0; a < 3; a++)
            {
                var first = T0.AddSeconds(random.Next(13 * 24 * 3600));
                var open = Alert($"{id}-a{a}", id, region, sector, (Severity)(1 + random.Next(3)), AlertStatus.Open, first, first.AddMinutes(5), 1);
                alerts.Add((open, first.AddMinutes(5)));
                var step = random.Next(3);
                if (step >= 1)
                {
                    alerts.Add((open with { Status = AlertStatus.Acknowledged, LastSeen = first.AddMinutes(9), Count = 2 }, first.AddMinutes(5 + random.Next(1, 120))));
                }
                if (step == 2 || random.Next(2) == 0)
                {
                    alerts.Add((open with { Status = AlertStatus.Resolved, LastSeen = first.AddMinutes(20), Count = 4 }, first.AddMinutes(130 + random.Next(600))));
                }
            }
        }
        var none = CancellationToken.None;
        for (var i = 0; i < reports.Count; i += 1000)
        {
            await store.AppendReportsAsync(reports.GetRange(i, Math.Min(1000, reports.Count - i)), T0.AddDays(15), none);
        }
        await store.AppendScoresAsync(scores, none);
        foreach (var group in alerts.GroupBy(a => a.At))
        {
            await store.AppendAlertsAsync(group.Select(g => g.Alert).ToList(), group.Key, none);
        }
    }
}

using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Storage.ClickHouse;
using Supervision.Storage.History;
using Supervision.Storage.Tests.Infrastructure;
using static Supervision.Storage.Tests.Infrastructure.HistoryData;

namespace Supervision.Storage.Tests.ClickHouse;

/// <summary>Tables made by an earlier version gain the columns added since, on a real ClickHouse server.</summary>
[Category("Integration")]
public class SchemaMigrationTests
{
    [Test]
    public async Task InitializeAsync_AlertTableWithoutRuleVersion_ColumnAddedAndOldRowsReadEmpty()
    {
        var url = Stores.SingleUrl;
        var database = "t_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            await using (var first = new ClickHouseHistoryStore(new ClickHouseStoreOptions { ConnectionString = Stores.ConnectionString(url, database) }))
            {
                await first.InitializeAsync(CancellationToken.None);
                await first.AppendAlertsAsync([Alert("a-old", E1, "350102", Sector.Food, Severity.Warning, AlertStatus.Open, T0, T0, 1)], T0, CancellationToken.None);
            }
            // What a table of the previous version looks like.
            await Stores.QueryAsync(url, $"ALTER TABLE {database}.alert_events DROP COLUMN rule_version");

            await using var migrated = new ClickHouseHistoryStore(new ClickHouseStoreOptions { ConnectionString = Stores.ConnectionString(url, database) });
            await migrated.InitializeAsync(CancellationToken.None);
            await migrated.AppendAlertsAsync([Alert("a-new", E1, "350102", Sector.Food, Severity.Warning, AlertStatus.Open, T0.AddMinutes(1), T0.AddMinutes(1), 1)], T0, CancellationToken.None);

            var alerts = await migrated.QueryAlertsAsync(new AlertQuery(T0.AddDays(-1), T0.AddDays(1), "", 10), CancellationToken.None);
            Assert.That(alerts.Select(a => (a.AlertId, a.RuleVersion)), Is.EquivalentTo(new[] { ("a-old", ""), ("a-new", "rules@0a1b2c3d") }));
        }
        finally
        {
            await Stores.QueryAsync(url, $"DROP DATABASE IF EXISTS {database}");
        }
    }
}

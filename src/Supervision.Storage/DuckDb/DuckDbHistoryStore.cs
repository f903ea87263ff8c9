using System.Data.Common;
using System.Text.Json;
using DuckDB.NET.Data;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Storage.History;

namespace Supervision.Storage.DuckDb;

/// <summary>
/// <see cref="IHistoryStore"/> in an embedded DuckDB file. DuckDB connections are not thread-safe, so one
/// connection serves everything behind a lock; writes go through the Appender.
/// </summary>
public sealed class DuckDbHistoryStore : IHistoryStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _path;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private DuckDBConnection? _connection;
    private long _sequence;

    /// <summary>A store in the file <paramref name="path"/> (created with its directory when missing).</summary>
    public DuckDbHistoryStore(string path) => _path = path;

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellation)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(_path))!;
        Directory.CreateDirectory(directory);
        var extensions = Path.Combine(directory, "duckdb-extensions");
        _connection = new DuckDBConnection($"Data Source={_path}");
        await _connection.OpenAsync(cancellation).ConfigureAwait(false);
        // Keeps DuckDB from creating ~/.duckdb when it thinks about extensions.
        Execute($"SET extension_directory='{extensions.Replace("'", "''", StringComparison.Ordinal)}'");
        Execute("""
            CREATE TABLE IF NOT EXISTS reports (
                report_id VARCHAR NOT NULL, enterprise_id VARCHAR NOT NULL, region VARCHAR NOT NULL,
                sector VARCHAR NOT NULL, kind VARCHAR NOT NULL, observed_at TIMESTAMP NOT NULL,
                received_at TIMESTAMP NOT NULL, payload VARCHAR NOT NULL)
            """);
        Execute("""
            CREATE TABLE IF NOT EXISTS alert_events (
                seq BIGINT NOT NULL, alert_id VARCHAR NOT NULL, alert_key VARCHAR NOT NULL, enterprise_id VARCHAR NOT NULL,
                region VARCHAR NOT NULL, sector VARCHAR NOT NULL, kind VARCHAR NOT NULL, severity VARCHAR NOT NULL,
                status VARCHAR NOT NULL, risk_score DOUBLE NOT NULL, rule_id VARCHAR NOT NULL, model_version VARCHAR NOT NULL,
                explanation VARCHAR NOT NULL, summary VARCHAR NOT NULL, first_seen TIMESTAMP NOT NULL,
                last_seen TIMESTAMP NOT NULL, count INTEGER NOT NULL, recorded_at TIMESTAMP NOT NULL)
            """);
        Execute("""
            CREATE TABLE IF NOT EXISTS grade_changes (
                enterprise_id VARCHAR NOT NULL, region VARCHAR NOT NULL, sector VARCHAR NOT NULL,
                from_grade VARCHAR, to_grade VARCHAR NOT NULL, score DOUBLE NOT NULL, reasons VARCHAR NOT NULL,
                model_version VARCHAR NOT NULL, changed_at TIMESTAMP NOT NULL)
            """);
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(seq), 0) FROM alert_events";
        _sequence = Convert.ToInt64(await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public async Task AppendReportsAsync(IReadOnlyList<Report> reports, DateTimeOffset receivedAt, CancellationToken cancellation)
    {
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            using var appender = Connection.CreateAppender("reports");
            var received = receivedAt.UtcDateTime;
            foreach (var report in reports)
            {
                appender.CreateRow()
                    .AppendValue(report.ReportId)
                    .AppendValue(report.EnterpriseId.Value)
                    .AppendValue(report.Region.ToString())
                    .AppendValue(report.Sector.Name())
                    .AppendValue(report.Kind.Name())
                    .AppendValue(report.ObservedAt.UtcDateTime)
                    .AppendValue(received)
                    .AppendValue(JsonSerializer.Serialize(report.Payload, report.Payload.GetType(), Json))
                    .EndRow();
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc/>
    public async Task AppendAlertsAsync(IReadOnlyList<Alert> alerts, DateTimeOffset recordedAt, CancellationToken cancellation)
    {
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            using var appender = Connection.CreateAppender("alert_events");
            var recorded = recordedAt.UtcDateTime;
            foreach (var alert in alerts)
            {
                appender.CreateRow()
                    .AppendValue(++_sequence)
                    .AppendValue(alert.AlertId)
                    .AppendValue(alert.Key)
                    .AppendValue(alert.EnterpriseId)
                    .AppendValue(alert.Region)
                    .AppendValue(alert.Sector.Name())
                    .AppendValue(alert.Kind)
                    .AppendValue(Wire(alert.Severity))
                    .AppendValue(Wire(alert.Status))
                    .AppendValue(alert.RiskScore)
                    .AppendValue(alert.RuleId)
                    .AppendValue(alert.ModelVersion)
                    .AppendValue(JsonSerializer.Serialize(alert.Explanation, Json))
                    .AppendValue(alert.Summary)
                    .AppendValue(alert.FirstSeen.UtcDateTime)
                    .AppendValue(alert.LastSeen.UtcDateTime)
                    .AppendValue(alert.Count)
                    .AppendValue(recorded)
                    .EndRow();
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Alert>> QueryAlertsAsync(AlertQuery query, CancellationToken cancellation)
    {
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            using var command = Connection.CreateCommand();
            command.CommandText = """
                SELECT alert_id, alert_key, enterprise_id, region, sector, kind, severity, status, risk_score, rule_id,
                       model_version, explanation, summary, first_seen, last_seen, count
                FROM (
                    SELECT * FROM alert_events
                    QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY seq DESC) = 1
                ) latest
                WHERE last_seen >= $from AND first_seen <= $to AND starts_with(region, $prefix)
                ORDER BY last_seen DESC, alert_id
                LIMIT $limit
                """;
            command.Parameters.Add(new DuckDBParameter("from", query.From.UtcDateTime));
            command.Parameters.Add(new DuckDBParameter("to", query.To.UtcDateTime));
            command.Parameters.Add(new DuckDBParameter("prefix", query.RegionPrefix));
            command.Parameters.Add(new DuckDBParameter("limit", (long)query.Limit));
            var alerts = new List<Alert>();
            using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
            {
                alerts.Add(ReadAlert(reader));
            }
            return alerts;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc/>
    public async Task AppendGradeChangesAsync(IReadOnlyList<GradeChange> changes, CancellationToken cancellation)
    {
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            using var appender = Connection.CreateAppender("grade_changes");
            foreach (var change in changes)
            {
                var row = appender.CreateRow()
                    .AppendValue(change.EnterpriseId)
                    .AppendValue(change.Region)
                    .AppendValue(change.Sector.Name());
                (change.From is { } from ? row.AppendValue(Wire(from)) : row.AppendNullValue())
                    .AppendValue(Wire(change.To))
                    .AppendValue(change.Score)
                    .AppendValue(JsonSerializer.Serialize(change.Reasons, Json))
                    .AppendValue(change.ModelVersion)
                    .AppendValue(change.At.UtcDateTime)
                    .EndRow();
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<GradeChange>> QueryGradeChangesAsync(string enterpriseId, int limit, CancellationToken cancellation)
    {
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            using var command = Connection.CreateCommand();
            command.CommandText = """
                SELECT enterprise_id, region, sector, from_grade, to_grade, score, reasons, model_version, changed_at
                FROM grade_changes WHERE enterprise_id = $enterprise ORDER BY changed_at DESC LIMIT $limit
                """;
            command.Parameters.Add(new DuckDBParameter("enterprise", enterpriseId));
            command.Parameters.Add(new DuckDBParameter("limit", (long)limit));
            var changes = new List<GradeChange>();
            using var r = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
            while (await r.ReadAsync(cancellation).ConfigureAwait(false))
            {
                changes.Add(new GradeChange(
                    r.GetString(0),
                    r.GetString(1),
                    Sectors.TryParse(r.GetString(2), out var sector) ? sector : throw new InvalidDataException($"stored sector '{r.GetString(2)}' is unknown"),
                    r.IsDBNull(3) ? null : FromWire<CreditGrade>(r.GetString(3)),
                    FromWire<CreditGrade>(r.GetString(4)),
                    r.GetDouble(5),
                    JsonSerializer.Deserialize<ExplanationItem[]>(r.GetString(6), Json) ?? [],
                    r.GetString(7),
                    new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(8), DateTimeKind.Utc))));
            }
            return changes;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc/>
    public async Task ForEachReportIdAsync(DateTimeOffset since, Action<string, string, DateTimeOffset> visit, CancellationToken cancellation)
    {
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            using var command = Connection.CreateCommand();
            command.CommandText = "SELECT enterprise_id, report_id, received_at FROM reports WHERE received_at >= $since";
            command.Parameters.Add(new DuckDBParameter("since", since.UtcDateTime));
            using var r = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
            while (await r.ReadAsync(cancellation).ConfigureAwait(false))
            {
                visit(r.GetString(0), r.GetString(1), new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(2), DateTimeKind.Utc)));
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<long> CountReportsAsync(CancellationToken cancellation)
    {
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            using var command = Connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM reports";
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
                _connection = null;
            }
        }
        finally
        {
            _lock.Release();
        }
        _lock.Dispose();
    }

    private DuckDBConnection Connection => _connection ?? throw new InvalidOperationException("call InitializeAsync first");

    private void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static Alert ReadAlert(DbDataReader r) => new()
    {
        AlertId = r.GetString(0),
        Key = r.GetString(1),
        EnterpriseId = r.GetString(2),
        Region = r.GetString(3),
        Sector = Sectors.TryParse(r.GetString(4), out var sector) ? sector : throw new InvalidDataException($"stored sector '{r.GetString(4)}' is unknown"),
        Kind = r.GetString(5),
        Severity = FromWire<Severity>(r.GetString(6)),
        Status = FromWire<AlertStatus>(r.GetString(7)),
        RiskScore = r.GetDouble(8),
        RuleId = r.GetString(9),
        ModelVersion = r.GetString(10),
        Explanation = JsonSerializer.Deserialize<ExplanationItem[]>(r.GetString(11), Json) ?? [],
        Summary = r.GetString(12),
        FirstSeen = new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(13), DateTimeKind.Utc)),
        LastSeen = new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(14), DateTimeKind.Utc)),
        Count = r.GetInt32(15),
    };

    private static string Wire<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value).Trim('"');

    private static T FromWire<T>(string text) where T : struct, Enum => JsonSerializer.Deserialize<T>("\"" + text + "\"");
}

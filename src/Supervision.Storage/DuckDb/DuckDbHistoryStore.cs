using System.Data.Common;
using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Storage.History;
using Supervision.Storage.Queries;
using static Supervision.Storage.History.StoredForms;

namespace Supervision.Storage.DuckDb;

/// <summary>
/// <see cref="IHistoryStore"/> in an embedded DuckDB file. DuckDB connections are not thread-safe, so one
/// connection serves everything behind a lock (a second one only helps it write large report batches). Reports
/// go into a table without a key index, told apart from stored ones by the keys of the last
/// <see cref="DeduplicationWindow"/> (see <see cref="ReportsTable"/>). The other tables are small by comparison:
/// writes go through the Appender straight into keyed tables; when a key is already there (a retried write), the
/// batch goes through a staging table and <c>INSERT OR IGNORE</c> instead. So every append is idempotent.
/// </summary>
public sealed class DuckDbHistoryStore : IHistoryStore
{
    /// <summary>The layout of the file this version writes; a file of another layout is refused at start.</summary>
    public const int SchemaVersion = 2;

    /// <summary>How long after its arrival a report's key is remembered by default: the server's 7-day idempotency window and a day.</summary>
    public static readonly TimeSpan DefaultDeduplicationWindow = TimeSpan.FromDays(8);

    private readonly string _path;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly NameCodes _names = new();
    private readonly ReportsTable _reports;
    private DuckDBConnection? _connection;
    private DuckDBConnection? _second;
    private long _sequence;

    /// <summary>A store in the file <paramref name="path"/> (created with its directory when missing).</summary>
    public DuckDbHistoryStore(string path)
        : this(path, DefaultDeduplicationWindow)
    {
    }

    /// <summary>
    /// A store in the file <paramref name="path"/> that takes a report as stored when its (enterprise, report id)
    /// arrived within <paramref name="deduplicationWindow"/> (whole days) before the newest arrival.
    /// </summary>
    public DuckDbHistoryStore(string path, TimeSpan deduplicationWindow)
    {
        _path = path;
        DeduplicationWindow = TimeSpan.FromDays(Math.Ceiling(deduplicationWindow.TotalDays));
        _reports = new ReportsTable(_names, new RecentReportKeys((int)DeduplicationWindow.TotalDays));
    }

    /// <summary>
    /// How far back in arrival time a resent report is recognised as stored: appending a report whose (enterprise,
    /// report id) arrived within it stores nothing. Retried and replayed writes fall well inside it.
    /// </summary>
    public TimeSpan DeduplicationWindow { get; }

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellation)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(_path))!;
        Directory.CreateDirectory(directory);
        var extensions = Path.Combine(directory, "duckdb-extensions");
        _connection = await OpenAsync(extensions, cancellation).ConfigureAwait(false);
        const string alertColumns = """
            seq BIGINT NOT NULL, alert_id VARCHAR NOT NULL, alert_key VARCHAR NOT NULL, enterprise_id VARCHAR NOT NULL,
            region VARCHAR NOT NULL, sector VARCHAR NOT NULL, kind VARCHAR NOT NULL, severity VARCHAR NOT NULL,
            status VARCHAR NOT NULL, risk_score DOUBLE NOT NULL, rule_id VARCHAR NOT NULL, model_version VARCHAR NOT NULL,
            explanation VARCHAR NOT NULL, summary VARCHAR NOT NULL, first_seen TIMESTAMP NOT NULL,
            last_seen TIMESTAMP NOT NULL, count INTEGER NOT NULL, recorded_at TIMESTAMP NOT NULL, version BIGINT NOT NULL
            """;
        const string gradeColumns = """
            enterprise_id VARCHAR NOT NULL, region VARCHAR NOT NULL, sector VARCHAR NOT NULL,
            from_grade VARCHAR, to_grade VARCHAR NOT NULL, score DOUBLE NOT NULL, reasons VARCHAR NOT NULL,
            model_version VARCHAR NOT NULL, changed_at TIMESTAMP NOT NULL
            """;
        const string scoreColumns = """
            score_id VARCHAR NOT NULL, enterprise_id VARCHAR NOT NULL, region VARCHAR NOT NULL, sector VARCHAR NOT NULL,
            scored_at TIMESTAMP NOT NULL, score DOUBLE NOT NULL, model_version VARCHAR NOT NULL, top_reason VARCHAR NOT NULL,
            reasons VARCHAR NOT NULL
            """;
        const string snapshotColumns = """
            enterprise_id VARCHAR NOT NULL, region VARCHAR NOT NULL, sector VARCHAR NOT NULL, taken_at TIMESTAMP NOT NULL,
            score DOUBLE NOT NULL, grade VARCHAR NOT NULL, model_version VARCHAR NOT NULL
            """;
        var found = await StoredSchemaVersionAsync(cancellation).ConfigureAwait(false);
        if (found is { } version && version != SchemaVersion)
        {
            throw new InvalidOperationException(
                $"the DuckDB file {_path} was written by {(version < SchemaVersion ? "an earlier" : "a later")} version of Supervision " +
                $"(history schema {version}; this version reads schema {SchemaVersion}); move it away and restart");
        }
        if (found is null)
        {
            Execute($"BEGIN TRANSACTION; CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES ({SchemaVersion}); COMMIT");
        }
        Execute("CREATE TABLE IF NOT EXISTS names (code INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE)");
        Execute($"CREATE TABLE IF NOT EXISTS reports ({ReportsTable.Columns})");
        Execute(ReportsTable.View);
        Execute($"CREATE TABLE IF NOT EXISTS alert_events ({alertColumns}, PRIMARY KEY (alert_id, version))");
        Execute($"CREATE TABLE IF NOT EXISTS grade_changes ({gradeColumns}, PRIMARY KEY (enterprise_id, changed_at, to_grade))");
        Execute($"CREATE TABLE IF NOT EXISTS scores ({scoreColumns}, PRIMARY KEY (score_id))");
        Execute($"CREATE TABLE IF NOT EXISTS snapshots ({snapshotColumns}, PRIMARY KEY (enterprise_id, taken_at))");
        Execute("""
            CREATE TABLE IF NOT EXISTS audit (
                queried_at TIMESTAMP NOT NULL, caller VARCHAR NOT NULL, role VARCHAR NOT NULL, query VARCHAR NOT NULL,
                rows BIGINT NOT NULL, masked BOOLEAN NOT NULL)
            """);
        ReportsTable.CreateProbeTable(_connection);
        Execute($"CREATE TEMP TABLE stage_alert_events ({alertColumns})");
        Execute($"CREATE TEMP TABLE stage_grade_changes ({gradeColumns})");
        Execute($"CREATE TEMP TABLE stage_scores ({scoreColumns})");
        Execute($"CREATE TEMP TABLE stage_snapshots ({snapshotColumns})");
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(seq), 0) FROM alert_events";
        _sequence = Convert.ToInt64(await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false), CultureInfo.InvariantCulture);
        _names.Load(_connection);
        _reports.Seed(_connection);
        // DuckDB compresses rows in the thread that appends them: a second connection puts the other core to work.
        _second = await OpenAsync(extensions, cancellation).ConfigureAwait(false);
    }

    private async Task<DuckDBConnection> OpenAsync(string extensions, CancellationToken cancellation)
    {
        var connection = new DuckDBConnection($"Data Source={_path}");
        await connection.OpenAsync(cancellation).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        // Keeps DuckDB from creating ~/.duckdb when it thinks about extensions.
        command.CommandText = $"SET extension_directory='{extensions.Replace("'", "''", StringComparison.Ordinal)}'";
        command.ExecuteNonQuery();
        return connection;
    }

    // The schema version of an existing file: null for a new one, 1 for files from before versions were recorded.
    private async Task<int?> StoredSchemaVersionAsync(CancellationToken cancellation)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = """
            SELECT count(*), count(*) FILTER (WHERE table_name = 'schema_version')
            FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = 'main'
            """;
        long tables, versioned;
        using (var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellation).ConfigureAwait(false);
            (tables, versioned) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        if (tables == 0)
        {
            return null;
        }
        if (versioned == 0)
        {
            return 1;
        }
        command.CommandText = "SELECT max(version) FROM schema_version";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public Task AppendReportsAsync(IReadOnlyList<Report> reports, DateTimeOffset receivedAt, CancellationToken cancellation) =>
        AppendReportsAsync(reports, [(reports.Count, receivedAt)], cancellation);

    /// <inheritdoc/>
    public Task AppendReportBatchesAsync(IReadOnlyList<ReportBatch> batches, CancellationToken cancellation) =>
        AppendReportsAsync(
            new SegmentList<Report>([.. batches.Select(b => new ArraySegment<Report>(b.Reports, 0, b.Count))]),
            [.. batches.Select(b => (b.Count, b.ReceivedAt))],
            cancellation);

    private async Task AppendReportsAsync(IReadOnlyList<Report> reports, IReadOnlyList<(int, DateTimeOffset)> arrivals, CancellationToken cancellation)
    {
        if (reports.Count == 0)
        {
            return;
        }
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            _reports.Append(Connection, _second, reports, arrivals);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc/>
    public Task AppendAlertsAsync(IReadOnlyList<Alert> alerts, DateTimeOffset recordedAt, CancellationToken cancellation) =>
        AppendAsync("alert_events", appender =>
        {
            var recorded = Utc(recordedAt);
            foreach (var alert in alerts)
            {
                appender.CreateRow()
                    .AppendValue(++_sequence)
                    .AppendValue(Text(alert.AlertId))
                    .AppendValue(Text(alert.Key))
                    .AppendValue(Text(alert.EnterpriseId))
                    .AppendValue(Text(alert.Region))
                    .AppendValue(Text(alert.Sector.Name()))
                    .AppendValue(Text(alert.Kind))
                    .AppendValue(Text(Wire(alert.Severity)))
                    .AppendValue(Text(Wire(alert.Status)))
                    .AppendValue(alert.RiskScore)
                    .AppendValue(Text(alert.RuleId))
                    .AppendValue(Text(alert.ModelVersion))
                    .AppendValue(Text(ToJson(alert.Explanation)))
                    .AppendValue(Text(alert.Summary))
                    .AppendValue(Utc(alert.FirstSeen))
                    .AppendValue(Utc(alert.LastSeen))
                    .AppendValue(alert.Count)
                    .AppendValue(recorded)
                    .AppendValue(AlertVersion(alert))
                    .EndRow();
            }
        }, cancellation);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Alert>> QueryAlertsAsync(AlertQuery query, CancellationToken cancellation)
    {
        var parameters = new List<DuckDBParameter> { P("from", Utc(query.From)), P("to", Utc(query.To)), P("region", query.RegionPrefix), P("limit", (long)query.Limit) };
        return await ReadAsync($$"""
            SELECT alert_id, alert_key, enterprise_id, region, sector, kind, severity, status, risk_score, rule_id,
                   model_version, explanation, summary, epoch_ms(first_seen), epoch_ms(last_seen), count
            FROM (
                SELECT * FROM alert_events
                QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY version DESC) = 1
            ) latest
            WHERE last_seen >= $from AND first_seen <= $to AND starts_with(region, $region) {{ScopeSql(new Scope(query.EnterpriseId, "", null) { Sectors = query.Sectors }, parameters)}}
            ORDER BY last_seen DESC, alert_id
            LIMIT $limit
            """,
            parameters,
            r => new Alert
            {
                AlertId = r.GetString(0),
                Key = r.GetString(1),
                EnterpriseId = r.GetString(2),
                Region = r.GetString(3),
                Sector = SectorFrom(r.GetString(4)),
                Kind = r.GetString(5),
                Severity = FromWire<Severity>(r.GetString(6)),
                Status = FromWire<AlertStatus>(r.GetString(7)),
                RiskScore = r.GetDouble(8),
                RuleId = r.GetString(9),
                ModelVersion = r.GetString(10),
                Explanation = ExplanationFromJson(r.GetString(11)),
                Summary = r.GetString(12),
                FirstSeen = FromMs(r.GetInt64(13)),
                LastSeen = FromMs(r.GetInt64(14)),
                Count = r.GetInt32(15),
            }, cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task AppendGradeChangesAsync(IReadOnlyList<GradeChange> changes, CancellationToken cancellation) =>
        AppendAsync("grade_changes", appender =>
        {
            foreach (var change in changes)
            {
                var row = appender.CreateRow()
                    .AppendValue(Text(change.EnterpriseId))
                    .AppendValue(Text(change.Region))
                    .AppendValue(Text(change.Sector.Name()));
                (change.From is { } from ? row.AppendValue(Text(Wire(from))) : row.AppendNullValue())
                    .AppendValue(Text(Wire(change.To)))
                    .AppendValue(change.Score)
                    .AppendValue(Text(ToJson(change.Reasons)))
                    .AppendValue(Text(change.ModelVersion))
                    .AppendValue(Utc(change.At))
                    .EndRow();
            }
        }, cancellation);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<GradeChange>> QueryGradeChangesAsync(string enterpriseId, int limit, CancellationToken cancellation) =>
        await ReadAsync("""
            SELECT enterprise_id, region, sector, from_grade, to_grade, score, reasons, model_version, epoch_ms(changed_at)
            FROM grade_changes WHERE enterprise_id = $enterprise ORDER BY changed_at DESC, to_grade LIMIT $limit
            """,
            [P("enterprise", enterpriseId), P("limit", (long)limit)],
            r => new GradeChange(
                r.GetString(0),
                r.GetString(1),
                SectorFrom(r.GetString(2)),
                r.IsDBNull(3) ? null : FromWire<CreditGrade>(r.GetString(3)),
                FromWire<CreditGrade>(r.GetString(4)),
                r.GetDouble(5),
                ExplanationFromJson(r.GetString(6)),
                r.GetString(7),
                FromMs(r.GetInt64(8))), cancellation).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task ForEachReportIdAsync(DateTimeOffset since, Action<string, string, DateTimeOffset> visit, CancellationToken cancellation)
    {
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            using var command = Connection.CreateCommand();
            command.CommandText = "SELECT enterprise, report_id, epoch_ms(received_at) FROM reports WHERE received_at >= $since";
            command.Parameters.Add(new DuckDBParameter("since", since.UtcDateTime));
            using var r = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
            while (await r.ReadAsync(cancellation).ConfigureAwait(false))
            {
                visit(_reports.Name(r.GetInt32(0)), r.GetString(1), FromMs(r.GetInt64(2)));
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<long> CountReportsAsync(CancellationToken cancellation) =>
        (await ReadAsync("SELECT count(*) FROM reports", [], r => r.GetInt64(0), cancellation).ConfigureAwait(false))[0];

    /// <inheritdoc/>
    public Task AppendScoresAsync(IReadOnlyList<RiskScoreRecord> scores, CancellationToken cancellation) =>
        AppendAsync("scores", appender =>
        {
            foreach (var s in scores)
            {
                appender.CreateRow()
                    .AppendValue(Text(s.ScoreId))
                    .AppendValue(Text(s.EnterpriseId))
                    .AppendValue(Text(s.Region))
                    .AppendValue(Text(s.Sector.Name()))
                    .AppendValue(Utc(s.At))
                    .AppendValue(s.Score)
                    .AppendValue(Text(s.ModelVersion))
                    .AppendValue(Text(s.TopReason))
                    .AppendValue(Text(ToJson(s.Reasons)))
                    .EndRow();
            }
        }, cancellation);

    /// <inheritdoc/>
    public Task AppendSnapshotsAsync(IReadOnlyList<RiskSnapshot> snapshots, CancellationToken cancellation) =>
        AppendAsync("snapshots", appender =>
        {
            foreach (var s in snapshots)
            {
                appender.CreateRow()
                    .AppendValue(Text(s.EnterpriseId))
                    .AppendValue(Text(s.Region))
                    .AppendValue(Text(s.Sector.Name()))
                    .AppendValue(Utc(s.At))
                    .AppendValue(s.Score)
                    .AppendValue(Text(Wire(s.Grade)))
                    .AppendValue(Text(s.ModelVersion))
                    .EndRow();
            }
        }, cancellation);

    /// <inheritdoc/>
    public async Task AppendAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellation)
    {
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            using var appender = Connection.CreateAppender("audit");
            foreach (var a in records)
            {
                appender.CreateRow()
                    .AppendValue(Utc(a.At))
                    .AppendValue(Text(a.Caller))
                    .AppendValue(Text(a.Role))
                    .AppendValue(Text(a.Query))
                    .AppendValue(a.Rows)
                    .AppendValue(a.Masked)
                    .EndRow();
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TrendPoint>> QueryTrendAsync(TrendQuery query, CancellationToken cancellation)
    {
        var (width, offset) = QueryMath.Bucket(query.Bucket);
        var parameters = new List<DuckDBParameter> { P("from", Utc(query.From)), P("to", Utc(query.To)), P("width", width), P("offset", offset) };
        var scope = ScopeSql(query.Scope, parameters);
        return await ReadAsync($"""
            SELECT (epoch_ms(scored_at) - $offset) // $width * $width + $offset AS bucket, count(*), avg(score), max(score), count(DISTINCT enterprise_id)
            FROM scores WHERE scored_at >= $from AND scored_at < $to {scope}
            GROUP BY bucket ORDER BY bucket
            """, parameters,
            r => new TrendPoint(FromMs(r.GetInt64(0)), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3), r.GetInt64(4)), cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TopRiskRow>> QueryTopRiskAsync(TopRiskQuery query, CancellationToken cancellation)
    {
        var parameters = new List<DuckDBParameter> { P("from", Utc(query.From)), P("to", Utc(query.To)), P("limit", (long)query.Limit), P("offset", (long)query.Offset) };
        var scope = ScopeSql(query.Scope, parameters);
        var top = await ReadAsync($"""
            SELECT enterprise_id, max(region), max(sector), max(score) AS max_score, avg(score) AS mean_score, count(*)
            FROM scores WHERE scored_at >= $from AND scored_at < $to {scope}
            GROUP BY enterprise_id ORDER BY max_score DESC, mean_score DESC, enterprise_id LIMIT $limit OFFSET $offset
            """, parameters,
            r => (Id: r.GetString(0), Region: r.GetString(1), Sector: r.GetString(2), Max: r.GetDouble(3), Mean: r.GetDouble(4), Scores: r.GetInt64(5)),
            cancellation).ConfigureAwait(false);
        if (top.Count == 0)
        {
            return [];
        }
        var ids = new List<DuckDBParameter> { P("from", Utc(query.From)), P("to", Utc(query.To)) };
        var list = new StringBuilder();
        for (var i = 0; i < top.Count; i++)
        {
            ids.Add(P("e" + i.ToString(CultureInfo.InvariantCulture), top[i].Id));
            list.Append(i == 0 ? "" : ", ").Append("$e").Append(i.ToString(CultureInfo.InvariantCulture));
        }
        var reports = await LockedAsync(() => _reports.CountObserved(Connection, [.. top.Select(t => t.Id)], Utc(query.From), Utc(query.To)), cancellation)
            .ConfigureAwait(false);
        var reasons = QueryMath.TopReasons(await ReadAsync($"""
            SELECT enterprise_id, top_reason, count(*) FROM scores
            WHERE scored_at >= $from AND scored_at < $to AND enterprise_id IN ({list}) GROUP BY enterprise_id, top_reason
            """, ids, r => (r.GetString(0), r.GetString(1), r.GetInt64(2)), cancellation).ConfigureAwait(false));
        return top.Select(t => new TopRiskRow(
            t.Id, t.Region, SectorFrom(t.Sector), t.Max, t.Mean, t.Scores, reports.GetValueOrDefault(t.Id),
            reasons.GetValueOrDefault(t.Id) ?? [])).ToList();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<HeatCell>> QueryHeatAsync(HeatQuery query, CancellationToken cancellation) =>
        await ReadAsync($"""
            SELECT substring(region, 1, $digits) AS cell, sector, count(DISTINCT enterprise_id), count(*), avg(score), max(score)
            FROM scores WHERE scored_at >= $from AND scored_at < $to AND starts_with(region, $region) {SectorsSql(query.Sectors)}
            GROUP BY cell, sector ORDER BY cell, sector
            """,
            [P("from", Utc(query.From)), P("to", Utc(query.To)), P("region", query.RegionPrefix), P("digits", (long)query.RegionDigits)],
            r => new HeatCell(r.GetString(0), SectorFrom(r.GetString(1)), r.GetInt64(2), r.GetInt64(3), r.GetDouble(4), r.GetDouble(5)),
            cancellation).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task<AlertStatistics> QueryAlertStatisticsAsync(AlertStatisticsQuery query, CancellationToken cancellation)
    {
        var parameters = new List<DuckDBParameter> { P("from", FromMsParam(query.From)), P("to", FromMsParam(query.To)) };
        var scope = ScopeSql(query.Scope, parameters);
        var lives = await ReadAsync($"""
            SELECT arg_max(severity, version), arg_max(status, version), min(epoch_ms(recorded_at)),
                   min(epoch_ms(recorded_at)) FILTER (WHERE status = 'acknowledged'),
                   min(epoch_ms(recorded_at)) FILTER (WHERE status = 'resolved')
            FROM alert_events WHERE true {scope}
            GROUP BY alert_id
            HAVING min(epoch_ms(first_seen)) >= $from AND min(epoch_ms(first_seen)) < $to
            """, parameters,
            r => new QueryMath.AlertLife(
                FromWire<Severity>(r.GetString(0)), FromWire<AlertStatus>(r.GetString(1)), r.GetInt64(2),
                r.IsDBNull(3) ? null : r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt64(4)), cancellation).ConfigureAwait(false);
        return QueryMath.Statistics(lives);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TimelineEntry>> QueryTimelineAsync(TimelineQuery query, CancellationToken cancellation)
    {
        List<DuckDBParameter> Parameters() =>
            [P("enterprise", query.EnterpriseId), P("from", Utc(query.From)), P("to", Utc(query.To)), P("n", (long)query.Offset + query.Limit)];
        var entries = new List<TimelineEntry>();
        entries.AddRange(await ReadAsync("""
            SELECT epoch_ms(observed_at) AS t, report_id, kind, subject, metric, value, coalesce(payload, ''), attribute FROM reports
            WHERE enterprise = (SELECT code FROM names WHERE name = $enterprise) AND observed_at >= $from AND observed_at < $to
            ORDER BY t DESC, report_id LIMIT $n
            """, Parameters(), r =>
            {
                var (kind, subject, metric) = (_reports.Name(r.GetInt32(2)), _reports.Name(r.GetInt32(3)), _reports.Name(r.GetInt32(4)));
                return new TimelineEntry(FromMs(r.GetInt64(0)), "report", r.GetString(1),
                    Timeline.ReportSummary(kind, subject, metric, r.GetDouble(5)),
                    PayloadJson(kind, subject, _reports.Name(r.GetInt32(7)), metric, r.GetDouble(5), r.GetString(6)));
            }, cancellation).ConfigureAwait(false));
        entries.AddRange(await ReadAsync("""
            SELECT epoch_ms(scored_at) AS t, score_id, score, model_version, reasons FROM scores
            WHERE enterprise_id = $enterprise AND scored_at >= $from AND scored_at < $to ORDER BY t DESC, score_id LIMIT $n
            """, Parameters(), r => new TimelineEntry(FromMs(r.GetInt64(0)), "score", r.GetString(1),
                Timeline.ScoreSummary(r.GetDouble(2), r.GetString(3)), r.GetString(4)), cancellation).ConfigureAwait(false));
        entries.AddRange(await ReadAsync("""
            SELECT epoch_ms(last_seen) AS t, alert_id, status, severity, summary, explanation FROM alert_events
            WHERE enterprise_id = $enterprise AND last_seen >= $from AND last_seen < $to ORDER BY t DESC, alert_id, version DESC LIMIT $n
            """, Parameters(), r => new TimelineEntry(FromMs(r.GetInt64(0)), "alert", r.GetString(1),
                Timeline.AlertSummary(r.GetString(2), r.GetString(3), r.GetString(4)), r.GetString(5)), cancellation).ConfigureAwait(false));
        entries.AddRange(await ReadAsync("""
            SELECT epoch_ms(changed_at) AS t, from_grade, to_grade, score, reasons FROM grade_changes
            WHERE enterprise_id = $enterprise AND changed_at >= $from AND changed_at < $to ORDER BY t DESC, to_grade LIMIT $n
            """, Parameters(), r => new TimelineEntry(FromMs(r.GetInt64(0)), "grade", Timeline.TimeId(r.GetInt64(0)),
                Timeline.GradeSummary(r.IsDBNull(1) ? "" : r.GetString(1), r.GetString(2), r.GetDouble(3)), r.GetString(4)), cancellation).ConfigureAwait(false));
        entries.AddRange(await ReadAsync("""
            SELECT epoch_ms(taken_at) AS t, score, grade, model_version FROM snapshots
            WHERE enterprise_id = $enterprise AND taken_at >= $from AND taken_at < $to ORDER BY t DESC LIMIT $n
            """, Parameters(), r => new TimelineEntry(FromMs(r.GetInt64(0)), "snapshot", Timeline.TimeId(r.GetInt64(0)),
                Timeline.SnapshotSummary(r.GetDouble(1), r.GetString(2), r.GetString(3)), "{}"), cancellation).ConfigureAwait(false));
        return QueryMath.Page(entries, query.Offset, query.Limit);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditRecord>> QueryAuditAsync(AuditQuery query, CancellationToken cancellation)
    {
        var parameters = new List<DuckDBParameter> { P("from", Utc(query.From)), P("to", Utc(query.To)), P("limit", (long)query.Limit), P("offset", (long)query.Offset) };
        var caller = "";
        if (query.Caller is not null)
        {
            parameters.Add(P("caller", query.Caller));
            caller = "AND caller = $caller";
        }
        return await ReadAsync($"""
            SELECT epoch_ms(queried_at) AS t, caller, role, query, rows, masked FROM audit
            WHERE queried_at >= $from AND queried_at < $to {caller} ORDER BY t DESC, caller, query LIMIT $limit OFFSET $offset
            """, parameters,
            r => new AuditRecord(FromMs(r.GetInt64(0)), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetBoolean(5)),
            cancellation).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_second is not null)
            {
                await _second.DisposeAsync().ConfigureAwait(false);
                _second = null;
            }
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

    private static string ScopeSql(Scope scope, List<DuckDBParameter> parameters)
    {
        var sql = new StringBuilder();
        if (scope.EnterpriseId is not null)
        {
            parameters.Add(P("scope_enterprise", scope.EnterpriseId));
            sql.Append(" AND enterprise_id = $scope_enterprise");
        }
        if (scope.RegionPrefix.Length > 0)
        {
            parameters.Add(P("scope_region", scope.RegionPrefix));
            sql.Append(" AND starts_with(region, $scope_region)");
        }
        if (scope.Sector is { } sector)
        {
            parameters.Add(P("scope_sector", sector.Name()));
            sql.Append(" AND sector = $scope_sector");
        }
        return sql.Append(SectorsSql(scope.Sectors)).ToString();
    }

    // Sector names are the fixed wire names of an enum, never caller text, so they go into the SQL as literals.
    private static string SectorsSql(IReadOnlyList<Sector> sectors) =>
        sectors.Count == 0 ? "" : " AND sector IN (" + string.Join(", ", sectors.Select(s => "'" + s.Name() + "'")) + ")";

    private async Task AppendAsync(string table, Action<DuckDBAppender> write, CancellationToken cancellation)
    {
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            try
            {
                // Fast path: straight into the keyed table. A key already there (a retried write) fails the append.
                using var direct = Connection.CreateAppender(table);
                write(direct);
                return;
            }
            catch (DuckDBException)
            {
            }
            // Slow path, for retries: stage everything, then insert what is not there yet.
            try
            {
                using (var appender = Connection.CreateAppender("temp", "main", "stage_" + table))
                {
                    write(appender);
                }
                Execute($"INSERT OR IGNORE INTO {table} SELECT * FROM stage_{table}");
            }
            finally
            {
                Execute($"DELETE FROM stage_{table}");
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<T> LockedAsync<T>(Func<T> read, CancellationToken cancellation)
    {
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            return read();
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<List<T>> ReadAsync<T>(string sql, IEnumerable<DuckDBParameter> parameters, Func<DbDataReader, T> read, CancellationToken cancellation)
    {
        await _lock.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            using var command = Connection.CreateCommand();
            command.CommandText = sql;
            foreach (var p in parameters)
            {
                command.Parameters.Add(p);
            }
            var rows = new List<T>();
            using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
            {
                rows.Add(read(reader));
            }
            return rows;
        }
        finally
        {
            _lock.Release();
        }
    }

    private void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static DuckDBParameter P(string name, object value) => new(name, value is string text ? Criterion(text, name) : value);

    private static long FromMsParam(DateTimeOffset at) => Ms(at);

    /// <summary>UTC, truncated to the millisecond: the precision every backend keeps.</summary>
    private static DateTime Utc(DateTimeOffset at) => DateTime.SpecifyKind(FromMs(Ms(at)).UtcDateTime, DateTimeKind.Unspecified);
}

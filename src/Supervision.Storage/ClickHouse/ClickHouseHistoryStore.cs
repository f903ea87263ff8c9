using System.Text;
using System.Text.Json;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using ClickHouse.Driver.Compression;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Storage.History;
using Supervision.Storage.Queries;
using static Supervision.Storage.ClickHouse.ClickHouseSql;
using static Supervision.Storage.History.StoredForms;

namespace Supervision.Storage.ClickHouse;

/// <summary>Where the ClickHouse store lives.</summary>
public sealed record ClickHouseStoreOptions
{
    /// <summary>ClickHouse.Driver connection string of the node the engine talks to, e.g. <c>Host=127.0.0.1;Port=8123;Database=supervision</c>.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>A <c>remote_servers</c> cluster name to shard over, or null for one node.</summary>
    public string? Cluster { get; init; }

    /// <summary>With a cluster: the connection string of every node, so tables are created on each (ON CLUSTER needs ZooKeeper).</summary>
    public IReadOnlyList<string> Nodes { get; init; } = [];
}

/// <summary>
/// <see cref="IHistoryStore"/> on ClickHouse (18.16 and current) through ClickHouse.Driver over HTTP. Tables are
/// ReplacingMergeTree partitioned by month and ordered by (sector, region, enterprise, time, id), so a batch
/// written twice collapses to one copy; reads use <c>FINAL</c> (or aggregate functions that duplicates cannot
/// change), so answers never count a retried row twice. With a cluster, each table is a Distributed table over
/// <c>&lt;table&gt;_local</c> on every shard, sharded by <c>sipHash64(enterprise_id)</c>.
/// Values reach SQL only through <see cref="ClickHouseSql"/>.
/// </summary>
public sealed class ClickHouseHistoryStore : IHistoryStore
{
    private readonly ClickHouseStoreOptions _options;
    private readonly ClickHouseClient _client;
    private readonly SqlFragment _database;
    private readonly QueryOptions _readOptions;
    private readonly Dictionary<string, InsertOptions> _insertOptions = new(StringComparer.Ordinal);

    private static readonly (string Table, string Columns, string Time, string Order)[] Tables =
    [
        ("reports", "report_id String, enterprise_id String, region String, sector String, kind String, observed_ms Int64, received_ms Int64, subject String, attribute String, metric String, value Float64, payload String",
            "observed_ms", "sector, region, enterprise_id, observed_ms, report_id"),
        ("alert_events", "alert_id String, alert_key String, enterprise_id String, region String, sector String, kind String, severity String, status String, risk_score Float64, rule_id String, model_version String, explanation String, summary String, first_seen_ms Int64, last_seen_ms Int64, count Int32, recorded_ms Int64, version Int64",
            "first_seen_ms", "sector, region, enterprise_id, first_seen_ms, alert_id, version"),
        ("grade_changes", "enterprise_id String, region String, sector String, from_grade String, to_grade String, score Float64, reasons String, model_version String, changed_ms Int64",
            "changed_ms", "sector, region, enterprise_id, changed_ms, to_grade"),
        ("scores", "score_id String, enterprise_id String, region String, sector String, scored_ms Int64, score Float64, model_version String, top_reason String, reasons String",
            "scored_ms", "sector, region, enterprise_id, scored_ms, score_id"),
        ("snapshots", "enterprise_id String, region String, sector String, taken_ms Int64, score Float64, grade String, model_version String",
            "taken_ms", "sector, region, enterprise_id, taken_ms"),
        ("audit", "queried_ms Int64, caller String, role String, query String, rows Int64, masked UInt8",
            "queried_ms", "queried_ms, caller, query"),
    ];

    /// <summary>Where this store lives.</summary>
    public ClickHouseStoreOptions Options => _options;

    /// <summary>A store at <paramref name="options"/>; nothing connects until <see cref="InitializeAsync"/>.</summary>
    public ClickHouseHistoryStore(ClickHouseStoreOptions options)
    {
        _options = options;
        var settings = Settings(options.ConnectionString);
        _database = Identifier(string.IsNullOrEmpty(settings.Database) ? "default" : settings.Database, "Storage:ClickHouse:ConnectionString Database");
        if (options.Cluster is not null)
        {
            Identifier(options.Cluster, "Storage:ClickHouse:Cluster");
        }
        _client = new ClickHouseClient(settings);
        _readOptions = new QueryOptions
        {
            CustomSettings = new Dictionary<string, object> { ["output_format_json_quote_64bit_integers"] = 0 },
        };
        foreach (var (table, columns, _, _) in Tables)
        {
            _insertOptions[table] = new InsertOptions
            {
                Compressor = GZipCompressor.Default,
                ColumnTypes = ParseColumns(columns).ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal),
                BatchSize = 100_000,
                // A Distributed table would otherwise queue rows on this node and answer before the shards hold them.
                CustomSettings = options.Cluster is null ? null : new Dictionary<string, object> { ["insert_distributed_sync"] = 1 },
            };
        }
    }

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellation)
    {
        if (_options.Cluster is null)
        {
            await CreateTablesAsync(_options.ConnectionString, local: false, cancellation).ConfigureAwait(false);
            return;
        }
        var nodes = _options.Nodes.Count > 0 ? _options.Nodes : [_options.ConnectionString];
        foreach (var node in nodes)
        {
            await CreateTablesAsync(node, local: true, cancellation).ConfigureAwait(false);
        }
    }

    private async Task CreateTablesAsync(string connectionString, bool local, CancellationToken cancellation)
    {
        var settings = Settings(connectionString);
        settings.Database = "default";
        using var client = new ClickHouseClient(settings);
        await client.ExecuteNonQueryAsync(Bind($"CREATE DATABASE IF NOT EXISTS {_database}"), null, null, cancellation).ConfigureAwait(false);
        foreach (var (table, columns, time, order) in Tables)
        {
            var engine = table == "audit" ? "MergeTree()" : "ReplacingMergeTree()";
            var name = new SqlFragment(local ? table + "_local" : table);
            await client.ExecuteNonQueryAsync(Bind($"""
                CREATE TABLE IF NOT EXISTS {_database}.{name} ({new SqlFragment(columns)})
                ENGINE = {new SqlFragment(engine)}
                PARTITION BY toYYYYMM(toDateTime(intDiv({new SqlFragment(time)}, 1000)))
                ORDER BY ({new SqlFragment(order)})
                """), null, null, cancellation).ConfigureAwait(false);
            if (local)
            {
                var key = new SqlFragment(table == "audit" ? "sipHash64(caller)" : "sipHash64(enterprise_id)");
                await client.ExecuteNonQueryAsync(Bind($"""
                    CREATE TABLE IF NOT EXISTS {_database}.{new SqlFragment(table)} AS {_database}.{name}
                    ENGINE = Distributed({new SqlFragment(_options.Cluster!)}, {_database}, {name}, {key})
                    """), null, null, cancellation).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    public Task AppendReportsAsync(IReadOnlyList<Report> reports, DateTimeOffset receivedAt, CancellationToken cancellation)
    {
        var rows = new object[reports.Count][];
        for (var i = 0; i < reports.Count; i++)
        {
            rows[i] = ReportRow(reports[i], Ms(receivedAt));
        }
        return InsertAsync("reports", rows, cancellation);
    }

    /// <inheritdoc/>
    public Task AppendReportBatchesAsync(IReadOnlyList<ReportBatch> batches, CancellationToken cancellation)
    {
        var rows = new object[batches.Sum(b => b.Count)][];
        var row = 0;
        foreach (var batch in batches)
        {
            foreach (var report in batch.Span)
            {
                rows[row++] = ReportRow(report, Ms(batch.ReceivedAt));
            }
        }
        return InsertAsync("reports", rows, cancellation);
    }

    private static object[] ReportRow(in Report r, long received)
    {
        var n = Normalise(r);
        return [r.ReportId, r.EnterpriseId.Value, r.Region.ToString(), r.Sector.Name(), r.Kind.Name(), Ms(r.ObservedAt), received, n.Subject, n.Attribute, n.Metric, n.Value, n.PayloadJson];
    }

    /// <inheritdoc/>
    public Task AppendAlertsAsync(IReadOnlyList<Alert> alerts, DateTimeOffset recordedAt, CancellationToken cancellation)
    {
        var recorded = Ms(recordedAt);
        var rows = alerts.Select(a => new object[]
        {
            a.AlertId, a.Key, a.EnterpriseId, a.Region, a.Sector.Name(), a.Kind, Wire(a.Severity), Wire(a.Status), a.RiskScore, a.RuleId,
            a.ModelVersion, ToJson(a.Explanation), a.Summary, Ms(a.FirstSeen), Ms(a.LastSeen), a.Count, recorded, AlertVersion(a),
        }).ToArray();
        return InsertAsync("alert_events", rows, cancellation);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Alert>> QueryAlertsAsync(AlertQuery query, CancellationToken cancellation)
    {
        var rows = await ReadAsync(Bind($"""
            SELECT alert_id, argMax(alert_key, version) AS k, argMax(enterprise_id, version) AS e, argMax(region, version) AS r,
                   argMax(sector, version) AS s, argMax(kind, version) AS kd, argMax(severity, version) AS sev, argMax(status, version) AS st,
                   argMax(risk_score, version) AS score, argMax(rule_id, version) AS rule, argMax(model_version, version) AS model,
                   argMax(explanation, version) AS expl, argMax(summary, version) AS summ, argMax(first_seen_ms, version) AS fs,
                   argMax(last_seen_ms, version) AS ls, argMax(count, version) AS n
            FROM {_database}.alert_events
            WHERE startsWith(region, {Criterion(query.RegionPrefix, "region")}) {ScopeSql(new Scope(query.EnterpriseId, "", null) { Sectors = query.Sectors })}
            GROUP BY alert_id
            HAVING ls >= {query.From} AND fs <= {query.To}
            ORDER BY ls DESC, alert_id
            LIMIT {query.Limit}
            """), cancellation).ConfigureAwait(false);
        return rows.Select(r => new Alert
        {
            AlertId = r.GetProperty("alert_id").GetString()!,
            Key = r.GetProperty("k").GetString()!,
            EnterpriseId = r.GetProperty("e").GetString()!,
            Region = r.GetProperty("r").GetString()!,
            Sector = SectorFrom(r.GetProperty("s").GetString()!),
            Kind = r.GetProperty("kd").GetString()!,
            Severity = FromWire<Severity>(r.GetProperty("sev").GetString()!),
            Status = FromWire<AlertStatus>(r.GetProperty("st").GetString()!),
            RiskScore = r.GetProperty("score").GetDouble(),
            RuleId = r.GetProperty("rule").GetString()!,
            ModelVersion = r.GetProperty("model").GetString()!,
            Explanation = ExplanationFromJson(r.GetProperty("expl").GetString()!),
            Summary = r.GetProperty("summ").GetString()!,
            FirstSeen = FromMs(r.GetProperty("fs").GetInt64()),
            LastSeen = FromMs(r.GetProperty("ls").GetInt64()),
            Count = r.GetProperty("n").GetInt32(),
        }).ToList();
    }

    /// <inheritdoc/>
    public Task AppendGradeChangesAsync(IReadOnlyList<GradeChange> changes, CancellationToken cancellation) =>
        InsertAsync("grade_changes", changes.Select(c => new object[]
        {
            c.EnterpriseId, c.Region, c.Sector.Name(), c.From is { } from ? Wire(from) : "", Wire(c.To), c.Score, ToJson(c.Reasons), c.ModelVersion, Ms(c.At),
        }).ToArray(), cancellation);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<GradeChange>> QueryGradeChangesAsync(string enterpriseId, int limit, CancellationToken cancellation)
    {
        var rows = await ReadAsync(Bind($"""
            SELECT enterprise_id, region, sector, from_grade, to_grade, score, reasons, model_version, changed_ms
            FROM {_database}.grade_changes FINAL WHERE enterprise_id = {Criterion(enterpriseId, "enterpriseId")} ORDER BY changed_ms DESC, to_grade LIMIT {limit}
            """), cancellation).ConfigureAwait(false);
        return rows.Select(r => new GradeChange(
            r.GetProperty("enterprise_id").GetString()!,
            r.GetProperty("region").GetString()!,
            SectorFrom(r.GetProperty("sector").GetString()!),
            r.GetProperty("from_grade").GetString() is { Length: > 0 } from ? FromWire<CreditGrade>(from) : null,
            FromWire<CreditGrade>(r.GetProperty("to_grade").GetString()!),
            r.GetProperty("score").GetDouble(),
            ExplanationFromJson(r.GetProperty("reasons").GetString()!),
            r.GetProperty("model_version").GetString()!,
            FromMs(r.GetProperty("changed_ms").GetInt64()))).ToList();
    }

    /// <inheritdoc/>
    public async Task ForEachReportIdAsync(DateTimeOffset since, Action<string, string, DateTimeOffset> visit, CancellationToken cancellation)
    {
        var rows = await ReadAsync(Bind($"SELECT enterprise_id, report_id, received_ms FROM {_database}.reports FINAL WHERE received_ms >= {Ms(since)}"), cancellation).ConfigureAwait(false);
        foreach (var r in rows)
        {
            visit(r.GetProperty("enterprise_id").GetString()!, r.GetProperty("report_id").GetString()!, FromMs(r.GetProperty("received_ms").GetInt64()));
        }
    }

    /// <inheritdoc/>
    public async Task<long> CountReportsAsync(CancellationToken cancellation) =>
        (await ReadAsync(Bind($"SELECT count() AS n FROM {_database}.reports FINAL"), cancellation).ConfigureAwait(false))[0].GetProperty("n").GetInt64();

    /// <inheritdoc/>
    public Task AppendScoresAsync(IReadOnlyList<RiskScoreRecord> scores, CancellationToken cancellation) =>
        InsertAsync("scores", scores.Select(s => new object[]
        {
            s.ScoreId, s.EnterpriseId, s.Region, s.Sector.Name(), Ms(s.At), s.Score, s.ModelVersion, s.TopReason, ToJson(s.Reasons),
        }).ToArray(), cancellation);

    /// <inheritdoc/>
    public Task AppendSnapshotsAsync(IReadOnlyList<RiskSnapshot> snapshots, CancellationToken cancellation) =>
        InsertAsync("snapshots", snapshots.Select(s => new object[]
        {
            s.EnterpriseId, s.Region, s.Sector.Name(), Ms(s.At), s.Score, Wire(s.Grade), s.ModelVersion,
        }).ToArray(), cancellation);

    /// <inheritdoc/>
    public Task AppendAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellation) =>
        InsertAsync("audit", records.Select(a => new object[]
        {
            Ms(a.At), a.Caller, a.Role, a.Query, a.Rows, a.Masked ? (byte)1 : (byte)0,
        }).ToArray(), cancellation);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TrendPoint>> QueryTrendAsync(TrendQuery query, CancellationToken cancellation)
    {
        var (width, offset) = QueryMath.Bucket(query.Bucket);
        var rows = await ReadAsync(Bind($"""
            SELECT intDiv(scored_ms - {offset}, {width}) * {width} + {offset} AS bucket, count() AS n, avg(score) AS mean,
                   max(score) AS top, uniqExact(enterprise_id) AS enterprises
            FROM {_database}.scores FINAL
            WHERE scored_ms >= {query.From} AND scored_ms < {query.To} {ScopeSql(query.Scope)}
            GROUP BY bucket ORDER BY bucket
            """), cancellation).ConfigureAwait(false);
        return rows.Select(r => new TrendPoint(
            FromMs(r.GetProperty("bucket").GetInt64()), r.GetProperty("n").GetInt64(), r.GetProperty("mean").GetDouble(),
            r.GetProperty("top").GetDouble(), r.GetProperty("enterprises").GetInt64())).ToList();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TopRiskRow>> QueryTopRiskAsync(TopRiskQuery query, CancellationToken cancellation)
    {
        var top = await ReadAsync(Bind($"""
            SELECT enterprise_id, max(region) AS r, max(sector) AS s, max(score) AS top, avg(score) AS mean, count() AS n
            FROM {_database}.scores FINAL
            WHERE scored_ms >= {query.From} AND scored_ms < {query.To} {ScopeSql(query.Scope)}
            GROUP BY enterprise_id ORDER BY top DESC, mean DESC, enterprise_id LIMIT {query.Offset}, {query.Limit}
            """), cancellation).ConfigureAwait(false);
        if (top.Count == 0)
        {
            return [];
        }
        var ids = top.Select(t => t.GetProperty("enterprise_id").GetString()!).ToList();
        var reports = (await ReadAsync(Bind($"""
            SELECT enterprise_id, count() AS n FROM {_database}.reports FINAL
            WHERE observed_ms >= {query.From} AND observed_ms < {query.To} AND enterprise_id IN {ids} GROUP BY enterprise_id
            """), cancellation).ConfigureAwait(false))
            .ToDictionary(r => r.GetProperty("enterprise_id").GetString()!, r => r.GetProperty("n").GetInt64(), StringComparer.Ordinal);
        var reasons = QueryMath.TopReasons((await ReadAsync(Bind($"""
            SELECT enterprise_id, top_reason, count() AS n FROM {_database}.scores FINAL
            WHERE scored_ms >= {query.From} AND scored_ms < {query.To} AND enterprise_id IN {ids} GROUP BY enterprise_id, top_reason
            """), cancellation).ConfigureAwait(false))
            .Select(r => (r.GetProperty("enterprise_id").GetString()!, r.GetProperty("top_reason").GetString()!, r.GetProperty("n").GetInt64())));
        return top.Select(t =>
        {
            var id = t.GetProperty("enterprise_id").GetString()!;
            return new TopRiskRow(
                id, t.GetProperty("r").GetString()!, SectorFrom(t.GetProperty("s").GetString()!), t.GetProperty("top").GetDouble(),
                t.GetProperty("mean").GetDouble(), t.GetProperty("n").GetInt64(), reports.GetValueOrDefault(id), reasons.GetValueOrDefault(id) ?? []);
        }).ToList();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<HeatCell>> QueryHeatAsync(HeatQuery query, CancellationToken cancellation)
    {
        var rows = await ReadAsync(Bind($"""
            SELECT substring(region, 1, {query.RegionDigits}) AS cell, sector, uniqExact(enterprise_id) AS enterprises, count() AS n,
                   avg(score) AS mean, max(score) AS top
            FROM {_database}.scores FINAL
            WHERE scored_ms >= {query.From} AND scored_ms < {query.To} AND startsWith(region, {Criterion(query.RegionPrefix, "region")}) {ScopeSql(Scope.Everywhere with { Sectors = query.Sectors })}
            GROUP BY cell, sector ORDER BY cell, sector
            """), cancellation).ConfigureAwait(false);
        return rows.Select(r => new HeatCell(
            r.GetProperty("cell").GetString()!, SectorFrom(r.GetProperty("sector").GetString()!), r.GetProperty("enterprises").GetInt64(),
            r.GetProperty("n").GetInt64(), r.GetProperty("mean").GetDouble(), r.GetProperty("top").GetDouble())).ToList();
    }

    /// <inheritdoc/>
    public async Task<AlertStatistics> QueryAlertStatisticsAsync(AlertStatisticsQuery query, CancellationToken cancellation)
    {
        var rows = await ReadAsync(Bind($"""
            SELECT argMax(severity, version) AS sev, argMax(status, version) AS st, min(recorded_ms) AS opened,
                   minIf(recorded_ms, status = 'acknowledged') AS ack, countIf(status = 'acknowledged') AS acks,
                   minIf(recorded_ms, status = 'resolved') AS res, countIf(status = 'resolved') AS resolutions,
                   min(first_seen_ms) AS fs
            FROM {_database}.alert_events
            WHERE 1 = 1 {ScopeSql(query.Scope)}
            GROUP BY alert_id
            HAVING fs >= {query.From} AND fs < {query.To}
            """), cancellation).ConfigureAwait(false);
        return QueryMath.Statistics(rows.Select(r => new QueryMath.AlertLife(
            FromWire<Severity>(r.GetProperty("sev").GetString()!),
            FromWire<AlertStatus>(r.GetProperty("st").GetString()!),
            r.GetProperty("opened").GetInt64(),
            r.GetProperty("acks").GetInt64() > 0 ? r.GetProperty("ack").GetInt64() : null,
            r.GetProperty("resolutions").GetInt64() > 0 ? r.GetProperty("res").GetInt64() : null)).ToList());
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TimelineEntry>> QueryTimelineAsync(TimelineQuery query, CancellationToken cancellation)
    {
        var n = query.Offset + query.Limit;
        var e = Criterion(query.EnterpriseId, "enterpriseId");
        var entries = new List<TimelineEntry>();
        entries.AddRange((await ReadAsync(Bind($"""
            SELECT observed_ms AS t, report_id, kind, subject, attribute, metric, value, payload FROM {_database}.reports FINAL
            WHERE enterprise_id = {e} AND observed_ms >= {query.From} AND observed_ms < {query.To} ORDER BY t DESC, report_id LIMIT {n}
            """), cancellation).ConfigureAwait(false)).Select(r => new TimelineEntry(
                FromMs(r.GetProperty("t").GetInt64()), "report", r.GetProperty("report_id").GetString()!,
                Timeline.ReportSummary(r.GetProperty("kind").GetString()!, r.GetProperty("subject").GetString()!, r.GetProperty("metric").GetString()!, r.GetProperty("value").GetDouble()),
                PayloadJson(r.GetProperty("kind").GetString()!, r.GetProperty("subject").GetString()!, r.GetProperty("attribute").GetString()!,
                    r.GetProperty("metric").GetString()!, r.GetProperty("value").GetDouble(), r.GetProperty("payload").GetString()!))));
        entries.AddRange((await ReadAsync(Bind($"""
            SELECT scored_ms AS t, score_id, score, model_version, reasons FROM {_database}.scores FINAL
            WHERE enterprise_id = {e} AND scored_ms >= {query.From} AND scored_ms < {query.To} ORDER BY t DESC, score_id LIMIT {n}
            """), cancellation).ConfigureAwait(false)).Select(r => new TimelineEntry(
                FromMs(r.GetProperty("t").GetInt64()), "score", r.GetProperty("score_id").GetString()!,
                Timeline.ScoreSummary(r.GetProperty("score").GetDouble(), r.GetProperty("model_version").GetString()!), r.GetProperty("reasons").GetString()!)));
        entries.AddRange((await ReadAsync(Bind($"""
            SELECT last_seen_ms AS t, alert_id, status, severity, summary, explanation FROM {_database}.alert_events FINAL
            WHERE enterprise_id = {e} AND last_seen_ms >= {query.From} AND last_seen_ms < {query.To} ORDER BY t DESC, alert_id, version DESC LIMIT {n}
            """), cancellation).ConfigureAwait(false)).Select(r => new TimelineEntry(
                FromMs(r.GetProperty("t").GetInt64()), "alert", r.GetProperty("alert_id").GetString()!,
                Timeline.AlertSummary(r.GetProperty("status").GetString()!, r.GetProperty("severity").GetString()!, r.GetProperty("summary").GetString()!),
                r.GetProperty("explanation").GetString()!)));
        entries.AddRange((await ReadAsync(Bind($"""
            SELECT changed_ms AS t, from_grade, to_grade, score, reasons FROM {_database}.grade_changes FINAL
            WHERE enterprise_id = {e} AND changed_ms >= {query.From} AND changed_ms < {query.To} ORDER BY t DESC, to_grade LIMIT {n}
            """), cancellation).ConfigureAwait(false)).Select(r => new TimelineEntry(
                FromMs(r.GetProperty("t").GetInt64()), "grade", Timeline.TimeId(r.GetProperty("t").GetInt64()),
                Timeline.GradeSummary(r.GetProperty("from_grade").GetString()!, r.GetProperty("to_grade").GetString()!, r.GetProperty("score").GetDouble()),
                r.GetProperty("reasons").GetString()!)));
        entries.AddRange((await ReadAsync(Bind($"""
            SELECT taken_ms AS t, score, grade, model_version FROM {_database}.snapshots FINAL
            WHERE enterprise_id = {e} AND taken_ms >= {query.From} AND taken_ms < {query.To} ORDER BY t DESC LIMIT {n}
            """), cancellation).ConfigureAwait(false)).Select(r => new TimelineEntry(
                FromMs(r.GetProperty("t").GetInt64()), "snapshot", Timeline.TimeId(r.GetProperty("t").GetInt64()),
                Timeline.SnapshotSummary(r.GetProperty("score").GetDouble(), r.GetProperty("grade").GetString()!, r.GetProperty("model_version").GetString()!), "{}")));
        return QueryMath.Page(entries, query.Offset, query.Limit);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditRecord>> QueryAuditAsync(AuditQuery query, CancellationToken cancellation)
    {
        var caller = query.Caller is null ? SqlFragment.Empty : new SqlFragment("AND caller = " + Quote(Criterion(query.Caller, "caller")));
        var rows = await ReadAsync(Bind($"""
            SELECT queried_ms AS t, caller, role, query, rows, masked FROM {_database}.audit
            WHERE queried_ms >= {query.From} AND queried_ms < {query.To} {caller}
            ORDER BY t DESC, caller, query LIMIT {query.Offset}, {query.Limit}
            """), cancellation).ConfigureAwait(false);
        return rows.Select(r => new AuditRecord(
            FromMs(r.GetProperty("t").GetInt64()), r.GetProperty("caller").GetString()!, r.GetProperty("role").GetString()!,
            r.GetProperty("query").GetString()!, r.GetProperty("rows").GetInt64(), r.GetProperty("masked").GetInt32() != 0)).ToList();
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private static SqlFragment ScopeSql(Scope scope)
    {
        var sql = new StringBuilder();
        if (scope.EnterpriseId is not null)
        {
            sql.Append(" AND enterprise_id = ").Append(Quote(Criterion(scope.EnterpriseId, "enterpriseId")));
        }
        if (scope.RegionPrefix.Length > 0)
        {
            sql.Append(" AND startsWith(region, ").Append(Quote(Criterion(scope.RegionPrefix, "region"))).Append(')');
        }
        if (scope.Sector is { } sector)
        {
            sql.Append(" AND sector = ").Append(Quote(sector.Name()));
        }
        if (scope.Sectors.Count > 0)
        {
            sql.Append(" AND sector IN (").AppendJoin(", ", scope.Sectors.Select(s => Quote(s.Name()))).Append(')');
        }
        return new SqlFragment(sql.ToString());
    }

    private async Task InsertAsync(string table, object[][] rows, CancellationToken cancellation)
    {
        if (rows.Length == 0)
        {
            return;
        }
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                if (row[i] is string text)
                {
                    row[i] = Text(text);
                }
            }
        }
        var options = _insertOptions[table];
        await _client.InsertBinaryAsync($"{_database}.{table}", options.ColumnTypes!.Keys, rows, options, cancellation).ConfigureAwait(false);
    }

    private async Task<List<JsonElement>> ReadAsync(string sql, CancellationToken cancellation)
    {
        using var result = await _client.ExecuteRawResultAsync(sql + " FORMAT JSONEachRow", _readOptions, cancellation).ConfigureAwait(false);
        var text = await result.ReadAsStringAsync().ConfigureAwait(false);
        var rows = new List<JsonElement>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var document = JsonDocument.Parse(line);
            rows.Add(document.RootElement.Clone());
        }
        return rows;
    }

    private static ClickHouseClientSettings Settings(string connectionString)
    {
        var builder = new ClickHouseConnectionStringBuilder { ConnectionString = connectionString };
        // ClickHouse 18.16 knows neither the JSON type nor its settings; the driver must not send them.
        builder.JsonReadMode = JsonReadMode.None;
        builder.JsonWriteMode = JsonWriteMode.None;
        return new ClickHouseClientSettings(builder);
    }

    private static IEnumerable<(string Name, string Type)> ParseColumns(string columns) =>
        columns.Split(',', StringSplitOptions.TrimEntries).Select(c => c.Split(' ', 2)).Select(p => (p[0], p[1]));
}

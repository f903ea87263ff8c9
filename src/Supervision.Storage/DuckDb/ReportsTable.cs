using System.Globalization;
using DuckDB.NET.Data;
using Supervision.Domain.Reports;
using Supervision.Storage.History;
using static Supervision.Storage.History.StoredForms;

namespace Supervision.Storage.DuckDb;

/// <summary>
/// The reports table of the DuckDB store: its columns, and the idempotent append that fills it at a million rows
/// a second. Repeated strings are stored as <see cref="NameCodes"/>, timestamps as DuckDB timestamps, the payload
/// only when the columns do not hold it already. There is no key index (DuckDB's ART index on the key cost more
/// than the rest of the append): <see cref="RecentReportKeys"/> tells new reports from stored ones, and the few
/// it cannot vouch for are looked up in the table by their stored key hash. Rows go in through
/// <see cref="ChunkAppender"/>, a large write as two halves on two connections at once. Not thread-safe: the
/// store calls it under its lock.
/// </summary>
internal sealed class ReportsTable
{
    /// <summary>The columns, in append order.</summary>
    public const string Columns = """
        key_hash BIGINT NOT NULL, enterprise INTEGER NOT NULL, report_id VARCHAR NOT NULL, region INTEGER NOT NULL,
        kind INTEGER NOT NULL, observed_at TIMESTAMP NOT NULL, received_at TIMESTAMP NOT NULL, subject INTEGER NOT NULL,
        attribute INTEGER NOT NULL, metric INTEGER NOT NULL, value DOUBLE NOT NULL, payload VARCHAR
        """;

    /// <summary>Reports with their names, for people reading the file.</summary>
    public const string View = """
        CREATE OR REPLACE VIEW report_rows AS
        SELECT r.report_id, e.name AS enterprise_id, lpad(CAST(r.region AS VARCHAR), 6, '0') AS region,
               split_part(k.name, '.', 1) AS sector, k.name AS kind, r.observed_at, r.received_at, s.name AS subject,
               a.name AS attribute, m.name AS metric, r.value, coalesce(r.payload, '') AS payload
        FROM reports r JOIN names e ON e.code = r.enterprise JOIN names k ON k.code = r.kind JOIN names s ON s.code = r.subject
             JOIN names a ON a.code = r.attribute JOIN names m ON m.code = r.metric
        """;

    // DuckDB writes a transaction of at least a row group (122,880 rows) straight into the file, compressed; a
    // smaller one goes through its write-ahead log and is compressed again at the next checkpoint. So a write is
    // split over two connections only when each half still fills a row group.
    private const int ParallelRows = 2 * 122_880;
    private const int KeyHash = 0, Enterprise = 1, ReportId = 2, Region = 3, Kind = 4, ObservedAt = 5, ReceivedAt = 6,
        Subject = 7, Attribute = 8, Metric = 9, Value = 10, Payload = 11;

    private readonly NameCodes _names;
    private readonly RecentReportKeys _keys;
    private readonly int[] _kindCodes = new int[32];
    private Prepared _rows = new(1024);
    private long _threads = Environment.ProcessorCount;

    /// <summary>A table whose codes are <paramref name="names"/> and whose recent keys are <paramref name="keys"/>.</summary>
    public ReportsTable(NameCodes names, RecentReportKeys keys)
    {
        _names = names;
        _keys = keys;
        Array.Fill(_kindCodes, -1);
    }

    /// <summary>Creates the connection's temporary table for key lookups.</summary>
    public static void CreateProbeTable(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TEMP TABLE IF NOT EXISTS probe_keys (key_hash BIGINT NOT NULL)";
        command.ExecuteNonQuery();
    }

    /// <summary>Remembers the keys of the reports that arrived within the window before the newest one.</summary>
    public void Seed(DuckDBConnection connection)
    {
        using (var threads = connection.CreateCommand())
        {
            threads.CommandText = "SELECT current_setting('threads')";
            _threads = Convert.ToInt64(threads.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        using var newest = connection.CreateCommand();
        newest.CommandText = "SELECT epoch_ms(max(received_at)) FROM reports";
        if (newest.ExecuteScalar() is not long newestMs)
        {
            return;
        }
        _keys.Advance(RecentReportKeys.Day(newestMs));
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT key_hash, epoch_ms(received_at) FROM reports WHERE received_at >= $from";
        command.Parameters.Add(new DuckDBParameter("from", DayStart(_keys.OldestDay)));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            _keys.TryAdd(reader.GetInt64(0), RecentReportKeys.Day(reader.GetInt64(1)));
        }
    }

    /// <summary>
    /// Appends the reports not stored yet: new keys straight away; keys the recent set has seen are looked up in
    /// the table first (and a report twice in <paramref name="reports"/> is stored once). <paramref name="arrivals"/>
    /// gives the arrival time of consecutive runs of reports (the batches they came in).
    /// </summary>
    public void Append(
        DuckDBConnection connection, DuckDBConnection? second, IReadOnlyList<Report> reports, IReadOnlyList<(int Count, DateTimeOffset ReceivedAt)> arrivals)
    {
        var count = reports.Count;
        if (_rows.Key.Length < count)
        {
            _rows = new Prepared(Math.Max(count, _rows.Key.Length * 2));
        }
        var rows = _rows;
        var row = 0;
        var firstDay = long.MaxValue;
        foreach (var (n, receivedAt) in arrivals)
        {
            var ms = Ms(receivedAt);
            rows.Received.AsSpan(row, n).Fill(ms);
            row += n;
            firstDay = Math.Min(firstDay, RecentReportKeys.Day(ms));
            _keys.Advance(RecentReportKeys.Day(ms));
        }
        var seen = AddKeys(reports, rows);
        var parallel = second is not null && count >= ParallelRows;
        Halves(parallel, count, (start, end) => Encode(reports, rows, start, end));
        _names.Store(connection);
        var writing = count;
        if (seen == 0)
        {
            for (var i = 0; i < count; i++)
            {
                rows.Write[i] = i;
            }
        }
        else
        {
            writing = KeepUnstored(connection, reports, rows, seen, Math.Min(firstDay, _keys.OldestDay));
        }
        parallel &= writing >= ParallelRows;
        if (parallel)
        {
            // With more than one DuckDB thread each appending connection would wait for the other's tasks in a busy loop.
            Execute(connection, "SET threads = 1");
        }
        try
        {
            Halves(parallel, writing, (start, end) => Write(start == 0 ? connection : second!, reports, rows, start, end));
        }
        finally
        {
            if (parallel)
            {
                Execute(connection, $"SET threads = {_threads}");
            }
        }
    }

    /// <summary>The counts of reports observed in [from, to) of each of <paramref name="enterpriseIds"/> that has any.</summary>
    public Dictionary<string, long> CountObserved(DuckDBConnection connection, IReadOnlyList<string> enterpriseIds, DateTime from, DateTime to)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var codes = new List<int>();
        foreach (var id in enterpriseIds)
        {
            if (_names.TryGetCode(id, out var code))
            {
                codes.Add(code);
            }
        }
        if (codes.Count == 0)
        {
            return counts;
        }
        using var command = connection.CreateCommand();
        // Codes are integers this class made, so they go into the SQL as text.
        command.CommandText = $"""
            SELECT enterprise, count(*) FROM reports
            WHERE observed_at >= $from AND observed_at < $to AND enterprise IN ({string.Join(", ", codes.Select(c => c.ToString(CultureInfo.InvariantCulture)))})
            GROUP BY enterprise
            """;
        command.Parameters.Add(new DuckDBParameter("from", from));
        command.Parameters.Add(new DuckDBParameter("to", to));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            counts[_names.Name(reader.GetInt32(0))] = reader.GetInt64(1);
        }
        return counts;
    }

    /// <summary>The name of a code read from the table.</summary>
    public string Name(int code) => _names.Name(code);

    private static DateTime DayStart(long day) => DateTime.SpecifyKind(DateTime.UnixEpoch.AddDays(day), DateTimeKind.Unspecified);

    private int KindCode(ReportKind kind)
    {
        // Two threads may both fill an empty entry: with the same code.
        var code = Volatile.Read(ref _kindCodes[(int)kind]);
        if (code < 0)
        {
            code = _names.Code(kind.Name());
            Volatile.Write(ref _kindCodes[(int)kind], code);
        }
        return code;
    }

    // In order, because whether a row is new depends on the rows before it: the key of each row into the recent set.
    // Rows whose keys were seen are listed in rows.Write; returns how many.
    private int AddKeys(IReadOnlyList<Report> reports, Prepared rows)
    {
        const int Block = 32;
        var seen = 0;
        for (var first = 0; first < reports.Count; first += Block)
        {
            var end = Math.Min(reports.Count, first + Block);
            for (var i = first; i < end; i++)
            {
                var report = reports[i];
                rows.Key[i] = RecentReportKeys.Key(Text(report.EnterpriseId.Value), Text(report.ReportId));
                _keys.Prefetch(rows.Key[i]);
            }
            // The table is far larger than the caches; the prefetches above overlap the misses of a block.
            for (var i = first; i < end; i++)
            {
                if (!_keys.TryAdd(rows.Key[i], RecentReportKeys.Day(rows.Received[i])))
                {
                    rows.Write[seen++] = i;
                }
            }
        }
        return seen;
    }

    private void Encode(IReadOnlyList<Report> reports, Prepared rows, int start, int end)
    {
        // Neighbouring rows often share names (the same string objects, even): skip the dictionary for those.
        NameCache enterprise = new(_names), subject = new(_names), attribute = new(_names), metric = new(_names);
        for (var i = start; i < end; i++)
        {
            var report = reports[i];
            rows.Enterprise[i] = enterprise.Code(report.EnterpriseId.Value);
            rows.Kind[i] = KindCode(report.Kind);
            TryColumns(report.Payload, out var subjectName, out var attributeName, out var metricName, out _);
            rows.Subject[i] = subject.Code(subjectName);
            rows.Attribute[i] = attribute.Code(attributeName);
            rows.Metric[i] = metric.Code(metricName);
        }
    }

    /// <summary>The code of the last name asked for, by reference, in front of <see cref="NameCodes"/>.</summary>
    private struct NameCache(NameCodes names)
    {
        private string? _last;
        private int _code;

        public int Code(string name)
        {
            if (!ReferenceEquals(name, _last))
            {
                _code = names.Code(Text(name));
                _last = name;
            }
            return _code;
        }
    }

    // Runs work over [0, count): in two halves at once (the second on another thread) when parallel, else in one go.
    private static void Halves(bool parallel, int count, Action<int, int> work)
    {
        if (!parallel)
        {
            work(0, count);
            return;
        }
        var half = count / 2;
        var other = Task.Run(() => work(half, count));
        try
        {
            work(0, half);
        }
        catch
        {
            // Report this half's failure; the other half's outcome (done or failed) changes nothing for the caller.
            Task.WaitAny(other);
            throw;
        }
        other.GetAwaiter().GetResult();
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // The slow path, for writes the recent keys have seen (retries, replays, a report twice in one write): finds
    // which of those keys the table holds, then keeps each row that is neither stored nor earlier in the write.
    // On entry rows.Write[0..seen) lists the rows whose keys were seen; on return rows.Write lists the rows to write.
    private static int KeepUnstored(DuckDBConnection connection, IReadOnlyList<Report> reports, Prepared rows, int seen, long fromDay)
    {
        var stored = new HashSet<(int, string)>();
        try
        {
            using (var appender = connection.CreateAppender("temp", "main", "probe_keys"))
            {
                for (var j = 0; j < seen; j++)
                {
                    appender.CreateRow().AppendValue(rows.Key[rows.Write[j]]).EndRow();
                }
            }
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT enterprise, report_id FROM reports
                WHERE received_at >= $from AND key_hash IN (SELECT key_hash FROM probe_keys)
                """;
            command.Parameters.Add(new DuckDBParameter("from", DayStart(fromDay)));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                stored.Add((reader.GetInt32(0), reader.GetString(1)));
            }
        }
        finally
        {
            using var clear = connection.CreateCommand();
            clear.CommandText = "DELETE FROM probe_keys";
            clear.ExecuteNonQuery();
        }
        var writing = 0;
        for (var i = 0; i < reports.Count; i++)
        {
            if (stored.Add((rows.Enterprise[i], Text(reports[i].ReportId))))
            {
                rows.Write[writing++] = i;
            }
        }
        return writing;
    }

    private static void Write(DuckDBConnection connection, IReadOnlyList<Report> reports, Prepared rows, int start, int end)
    {
        using var transaction = connection.BeginTransaction();
        using (var appender = new ChunkAppender(connection, "reports"))
        {
            for (var first = start; first < end; first += ChunkAppender.Capacity)
            {
                var n = Math.Min(ChunkAppender.Capacity, end - first);
                appender.Begin();
                var keys = appender.Int64(KeyHash);
                var enterprises = appender.Int32(Enterprise);
                var regions = appender.Int32(Region);
                var kinds = appender.Int32(Kind);
                var observed = appender.Int64(ObservedAt);
                var received = appender.Int64(ReceivedAt);
                var subjects = appender.Int32(Subject);
                var attributes = appender.Int32(Attribute);
                var metrics = appender.Int32(Metric);
                var values = appender.Double(Value);
                var payloads = appender.Validity(Payload);
                for (var j = 0; j < n; j++)
                {
                    var i = rows.Write[first + j];
                    var report = reports[i];
                    keys[j] = rows.Key[i];
                    enterprises[j] = rows.Enterprise[i];
                    appender.String(ReportId, j, Text(report.ReportId));
                    regions[j] = report.Region.Value;
                    kinds[j] = rows.Kind[i];
                    observed[j] = Ms(report.ObservedAt) * 1000;
                    received[j] = rows.Received[i] * 1000;
                    subjects[j] = rows.Subject[i];
                    attributes[j] = rows.Attribute[i];
                    metrics[j] = rows.Metric[i];
                    if (TryColumns(report.Payload, out _, out _, out _, out var value))
                    {
                        values[j] = value;
                        payloads[j >> 6] &= ~(1UL << (j & 63));
                    }
                    else
                    {
                        values[j] = 0;
                        appender.String(Payload, j, Text(SerialisePayload(report.Payload)));
                    }
                }
                appender.Append(n);
            }
            appender.Close();
        }
        transaction.Commit();
    }

    /// <summary>Per-row values of one write that need the table's state, made in order before the rows are appended.</summary>
    private sealed class Prepared(int capacity)
    {
        public long[] Key { get; } = new long[capacity];

        /// <summary>Arrival time, UTC milliseconds.</summary>
        public long[] Received { get; } = new long[capacity];

        public int[] Enterprise { get; } = new int[capacity];

        public int[] Kind { get; } = new int[capacity];

        public int[] Subject { get; } = new int[capacity];

        public int[] Attribute { get; } = new int[capacity];

        public int[] Metric { get; } = new int[capacity];

        /// <summary>Rows to write, in order (first: rows whose keys were seen).</summary>
        public int[] Write { get; } = new int[capacity];
    }
}

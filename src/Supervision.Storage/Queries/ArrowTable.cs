using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;

namespace Supervision.Storage.Queries;

/// <summary>
/// Writes rows of <typeparamref name="T"/> as one Arrow IPC stream (schema and one record batch), column by
/// column as declared. Nested values are flattened by the declaring code (see <see cref="ArrowResults"/>).
/// </summary>
public sealed class ArrowTable<T>
{
    private readonly List<(string Name, Func<IReadOnlyList<T>, IArrowArray> Build)> _columns = [];

    public ArrowTable<T> String(string name, Func<T, string?> value) => Add(name, rows =>
    {
        var builder = new StringArray.Builder();
        foreach (var row in rows)
        {
            if (value(row) is { } text)
            {
                builder.Append(text);
            }
            else
            {
                builder.AppendNull();
            }
        }
        return builder.Build();
    });

    public ArrowTable<T> Int64(string name, Func<T, long> value) => Add(name, rows =>
    {
        var builder = new Int64Array.Builder();
        foreach (var row in rows)
        {
            builder.Append(value(row));
        }
        return builder.Build();
    });

    public ArrowTable<T> Double(string name, Func<T, double?> value) => Add(name, rows =>
    {
        var builder = new DoubleArray.Builder();
        foreach (var row in rows)
        {
            builder.Append(value(row));
        }
        return builder.Build();
    });

    public ArrowTable<T> Boolean(string name, Func<T, bool> value) => Add(name, rows =>
    {
        var builder = new BooleanArray.Builder();
        foreach (var row in rows)
        {
            builder.Append(value(row));
        }
        return builder.Build();
    });

    /// <summary>A UTC timestamp in milliseconds.</summary>
    public ArrowTable<T> Time(string name, Func<T, DateTimeOffset> value) => Add(name, rows =>
    {
        var builder = new TimestampArray.Builder(new TimestampType(TimeUnit.Millisecond, "UTC"));
        foreach (var row in rows)
        {
            builder.Append(value(row));
        }
        return builder.Build();
    });

    /// <summary>The rows as an Arrow IPC stream.</summary>
    public async Task WriteAsync(Stream output, IReadOnlyList<T> rows, CancellationToken cancellation)
    {
        var builder = new RecordBatch.Builder();
        foreach (var (name, build) in _columns)
        {
            builder.Append(name, true, build(rows));
        }
        using var batch = builder.Build();
        // Buffered: ASP.NET Core response streams refuse the synchronous writes the Arrow writer makes for padding.
        using var buffer = new MemoryStream();
        using (var writer = new ArrowStreamWriter(buffer, batch.Schema, leaveOpen: true))
        {
            await writer.WriteRecordBatchAsync(batch, cancellation).ConfigureAwait(false);
            await writer.WriteEndAsync(cancellation).ConfigureAwait(false);
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(output, cancellation).ConfigureAwait(false);
    }

    private ArrowTable<T> Add(string name, Func<IReadOnlyList<T>, IArrowArray> build)
    {
        _columns.Add((name, build));
        return this;
    }
}

/// <summary>The Arrow layout of each analyst answer; column names match the JSON property names.</summary>
public static class ArrowResults
{
    public static ArrowTable<TrendPoint> Trend { get; } = new ArrowTable<TrendPoint>()
        .Time("bucket", p => p.Bucket).Int64("scores", p => p.Scores).Double("meanScore", p => p.MeanScore)
        .Double("maxScore", p => p.MaxScore).Int64("enterprises", p => p.Enterprises);

    public static ArrowTable<TopRiskRow> TopRisk { get; } = new ArrowTable<TopRiskRow>()
        .String("enterpriseId", r => r.EnterpriseId).String("region", r => r.Region).String("sector", r => r.Sector.Name())
        .Double("maxScore", r => r.MaxScore).Double("meanScore", r => r.MeanScore).Int64("scores", r => r.Scores).Int64("reports", r => r.Reports)
        .String("topReasons", r => string.Join(";", r.TopReasons.Select(x => $"{x.Feature}:{x.Count}")));

    public static ArrowTable<HeatCell> Heat { get; } = new ArrowTable<HeatCell>()
        .String("region", c => c.Region).String("sector", c => c.Sector.Name()).Int64("enterprises", c => c.Enterprises)
        .Int64("scores", c => c.Scores).Double("meanScore", c => c.MeanScore).Double("maxScore", c => c.MaxScore);

    public static ArrowTable<AlertStatistics> AlertStatistics { get; } = BuildStatistics();

    public static ArrowTable<TimelineEntry> Timeline { get; } = new ArrowTable<TimelineEntry>()
        .Time("at", e => e.At).String("type", e => e.Type).String("id", e => e.Id).String("summary", e => e.Summary).String("detail", e => e.Detail);

    public static ArrowTable<AuditRecord> Audit { get; } = new ArrowTable<AuditRecord>()
        .Time("at", a => a.At).String("caller", a => a.Caller).String("role", a => a.Role).String("query", a => a.Query)
        .Int64("rows", a => a.Rows).Boolean("masked", a => a.Masked);

    public static ArrowTable<Alert> Alerts { get; } = new ArrowTable<Alert>()
        .String("alertId", a => a.AlertId).String("key", a => a.Key).String("enterpriseId", a => a.EnterpriseId).String("region", a => a.Region)
        .String("sector", a => a.Sector.Name()).String("kind", a => a.Kind).String("severity", a => History.StoredForms.Wire(a.Severity))
        .String("status", a => History.StoredForms.Wire(a.Status)).Double("riskScore", a => a.RiskScore).String("ruleId", a => a.RuleId)
        .String("modelVersion", a => a.ModelVersion).String("summary", a => a.Summary).Time("firstSeen", a => a.FirstSeen)
        .Time("lastSeen", a => a.LastSeen).Int64("count", a => a.Count);

    private static ArrowTable<AlertStatistics> BuildStatistics()
    {
        var table = new ArrowTable<AlertStatistics>().Int64("alerts", s => s.Alerts);
        foreach (var severity in Enum.GetValues<Severity>())
        {
            var label = History.StoredForms.Wire(severity);
            table.Int64("severity." + label, s => s.BySeverity.Single(c => c.Label == label).Count);
        }
        foreach (var status in Enum.GetValues<AlertStatus>())
        {
            var label = History.StoredForms.Wire(status);
            table.Int64("status." + label, s => s.ByStatus.Single(c => c.Label == label).Count);
        }
        return table.Int64("acknowledged", s => s.Acknowledged).Double("meanSecondsToAcknowledge", s => s.MeanSecondsToAcknowledge)
            .Double("p90SecondsToAcknowledge", s => s.P90SecondsToAcknowledge).Int64("resolved", s => s.Resolved)
            .Double("meanSecondsToResolve", s => s.MeanSecondsToResolve).Double("p90SecondsToResolve", s => s.P90SecondsToResolve);
    }
}

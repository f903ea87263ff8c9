using Supervision.Domain.Reports;

namespace Supervision.Streaming.Pipeline;

/// <summary>What the engine has counted, per report kind (index by <see cref="ReportKind"/>): for gauges and metrics.</summary>
public sealed class EngineCounters
{
    private readonly long[] _reports = new long[16];
    private readonly long[] _late = new long[16];

    /// <summary>Reports applied, per kind.</summary>
    public long Reports(ReportKind kind) => Volatile.Read(ref _reports[(int)kind]);

    /// <summary>Reports later than the disorder policy allows, per kind (stored, counted, and judged only under <see cref="LateAction.Adjust"/>).</summary>
    public long LateReports(ReportKind kind) => Volatile.Read(ref _late[(int)kind]);

    /// <summary>Late reports of every kind.</summary>
    public long TotalLate => _late.Sum();

    internal void Applied(ReportKind kind) => _reports[(int)kind]++;

    internal void Late(ReportKind kind) => _late[(int)kind]++;

    internal void Write(BinaryWriter writer)
    {
        foreach (var n in _reports)
        {
            writer.Write(n);
        }
        foreach (var n in _late)
        {
            writer.Write(n);
        }
    }

    internal void Read(BinaryReader reader)
    {
        for (var i = 0; i < _reports.Length; i++)
        {
            _reports[i] = reader.ReadInt64();
        }
        for (var i = 0; i < _late.Length; i++)
        {
            _late[i] = reader.ReadInt64();
        }
    }
}

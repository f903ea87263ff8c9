using Supervision.Domain.Alerts;
using Supervision.Streaming.Rules;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Pipeline;

/// <summary>
/// Each enterprise's credit grade: graded at its first report, again in each new hour of event time it reports
/// in, and whenever one of its violation alerts opens (<see cref="GradingOptions"/> decides from the score and the
/// recent alerts). Decisions of a batch are queued with their features and alert counts as they stood, and decided
/// in order once the batch's scores are in.
/// </summary>
internal sealed class CreditGrader(EnterpriseTable enterprises, EngineScoring scoring, Func<GradingOptions> options)
{
    private readonly List<(int Enterprise, DateTimeOffset At, int Ticket, int Alerts, int Critical)> _pending = [];
    private AlertHistory _history = new(options().HistoryDays);
    private byte[] _grade = new byte[16];
    private long[] _gradedHour = new long[16];
    private bool[] _regrade = new bool[16];

    /// <summary>The grade an enterprise holds, or null before its first grading.</summary>
    public CreditGrade? GradeOf(int enterprise) => enterprise < _grade.Length && _grade[enterprise] != 0 ? (CreditGrade)_grade[enterprise] : null;

    /// <summary>Makes room for a new enterprise.</summary>
    public void Added(int enterprise)
    {
        _history.EnsureCapacity(enterprise + 1);
        if (_grade.Length <= enterprise)
        {
            var size = Math.Max(enterprise + 1, _grade.Length * 2);
            Array.Resize(ref _grade, size);
            Array.Resize(ref _gradedHour, size);
            Array.Resize(ref _regrade, size);
        }
    }

    /// <summary>A violation alert opened: it counts in the grade and the enterprise is graded again at its next report.</summary>
    public void ViolationOpened(int enterprise, long day, bool critical)
    {
        _history.AddOpened(enterprise, day, critical);
        _regrade[enterprise] = true;
    }

    /// <summary>Queues a grading when one is due for the enterprise's report at <paramref name="at"/>.</summary>
    public void OnReport(int enterprise, DateTimeOffset at)
    {
        var hour = at.UtcTicks / TimeSpan.TicksPerHour;
        if (!_regrade[enterprise] && _gradedHour[enterprise] == hour)
        {
            return;
        }
        _gradedHour[enterprise] = hour;
        _regrade[enterprise] = false;
        _history.Sum(enterprise, at.UtcTicks / TimeSpan.TicksPerDay, out var alerts, out var critical);
        _pending.Add((enterprise, at, scoring.Queue(enterprise, at, reasons: false), alerts, critical));
    }

    /// <summary>Decides the queued gradings in order (scores must have run); changes go to <paramref name="output"/>.</summary>
    public void Complete(List<GradeChange>? output)
    {
        var grading = options();
        foreach (var (enterprise, at, ticket, alerts, critical) in _pending)
        {
            var score = scoring.Score(ticket);
            var (grade, decisive) = grading.Decide(score, alerts, critical);
            var previous = _grade[enterprise];
            if ((byte)grade == previous)
            {
                continue;
            }
            _grade[enterprise] = (byte)grade;
            var (id, region, sector) = enterprises[enterprise];
            var reasons = scoring.ReasonsFor(sector, scoring.Features(ticket), [decisive]);
            output?.Add(new GradeChange(id.Value, region.ToString(), sector, previous == 0 ? null : (CreditGrade)previous, grade, score, reasons, scoring.Version(ticket), at));
        }
        _pending.Clear();
    }

    /// <summary>Options were reloaded: alert history kept for another number of days is re-bucketed.</summary>
    public void Reloaded()
    {
        var days = options().HistoryDays;
        if (days == _history.Days)
        {
            return;
        }
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            _history.Write(writer, enterprises.Count);
        }
        buffer.Position = 0;
        _history = new AlertHistory(days);
        _history.EnsureCapacity(enterprises.Count);
        using var reader = new BinaryReader(buffer);
        _history.Read(reader);
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(enterprises.Count);
        for (var e = 0; e < enterprises.Count; e++)
        {
            writer.Write(_grade[e]);
            writer.Write(_gradedHour[e]);
            writer.Write(_regrade[e]);
        }
        _history.Write(writer, enterprises.Count);
    }

    public void Read(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        _grade = new byte[Math.Max(16, count)];
        _gradedHour = new long[_grade.Length];
        _regrade = new bool[_grade.Length];
        for (var e = 0; e < count; e++)
        {
            _grade[e] = reader.ReadByte();
            _gradedHour[e] = reader.ReadInt64();
            _regrade[e] = reader.ReadBoolean();
        }
        _history = new AlertHistory(options().HistoryDays);
        _history.EnsureCapacity(count);
        _history.Read(reader);
    }
}

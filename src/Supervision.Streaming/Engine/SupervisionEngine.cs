using Supervision.Domain.Alerts;
using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;
using Supervision.Scoring.Features;
using Supervision.Scoring.Models;
using Supervision.Streaming.Alerts;
using Supervision.Streaming.Rules;
using Supervision.Streaming.Rules.Inspections;
using Supervision.Streaming.Snapshots;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Pipeline;

/// <summary>
/// The per-report work of the pipeline and what all rules share: interning of enterprises and subjects, the
/// per-enterprise windows, the clock and disorder policy, scoring, credit grades and the alert book. The rules
/// themselves are <see cref="Rule"/> types (<see cref="SupervisionRules"/>). Driven by its inputs only (report
/// batches with their arrival time, ticks, acknowledgements, rule reloads), so the same inputs give the same
/// outputs, and its whole state can be snapshotted and restored. Single-threaded: one caller at a time.
/// </summary>
public sealed class SupervisionEngine
{
    /// <summary>Version of the snapshot layout this engine writes and reads.</summary>
    public const int SnapshotFormat = 1;

    /// <summary>Version tag alerts carry when no model serves their sector.</summary>
    public const string NoModel = EngineScoring.NoModel;

    private static ReadOnlySpan<byte> Magic => "SUPVSNAP"u8;

    private readonly EnterpriseTable _enterprises = new();
    private readonly EnterpriseWindow _window = new();
    private readonly SubjectIndex[] _subjects = new SubjectIndex[11];
    private readonly EngineClock _clock = new(TimeSpan.FromMinutes(2));
    private readonly EngineScoring _scoring;
    private readonly CreditGrader _grader;
    private readonly AlertBook _book;
    private readonly RuleContext _context;
    private readonly Rule[] _rules;
    private readonly Rule[][] _byKind = new Rule[11][];
    private readonly (ITimedRule Rule, long Next)[] _timed;
    private readonly InspectionDueRule? _dueRule;
    private DisorderPolicy _disorder;
    private long _nextSweep;

    /// <summary>An engine applying <paramref name="rules"/> and scoring every sector with <paramref name="scorer"/>.</summary>
    public SupervisionEngine(RuleOptions rules, IRiskScorer scorer)
        : this(RuleSet.Load(rules), SectorModels.Uniform(scorer))
    {
    }

    /// <summary>An engine applying <paramref name="rules"/> and scoring each sector with its model in <paramref name="models"/>.</summary>
    public SupervisionEngine(RuleOptions rules, SectorModels models)
        : this(RuleSet.Load(rules), models)
    {
    }

    /// <summary>An engine running <paramref name="rules"/> (default: every rule of <see cref="SupervisionRules"/>) under <paramref name="ruleSet"/>.</summary>
    public SupervisionEngine(RuleSet ruleSet, SectorModels models, IReadOnlyList<Rule>? rules = null)
    {
        for (var k = 0; k < _subjects.Length; k++)
        {
            _subjects[k] = new SubjectIndex();
        }
        _scoring = new EngineScoring(models, _enterprises, FillFeatures);
        _book = new AlertBook(_enterprises, _scoring) { RuleVersion = ruleSet.Version };
        _context = new RuleContext(_book, _window, _enterprises, _clock, _subjects, ruleSet);
        _grader = new CreditGrader(_enterprises, _scoring, () => _context.Options.Grading);
        _book.ViolationOpened = _grader.ViolationOpened;
        _rules = [.. rules ?? SupervisionRules.Create()];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in _rules)
        {
            if (!names.Add(rule.Name))
            {
                throw new ArgumentException($"two rules are named '{rule.Name}'", nameof(rules));
            }
        }
        for (var k = 1; k < _byKind.Length; k++)
        {
            _byKind[k] = [.. _rules.Where(r => r.Kinds.Contains((ReportKind)k))];
        }
        _timed = [.. _rules.OfType<ITimedRule>().Select(r => (r, 0L))];
        _dueRule = _rules.OfType<InspectionDueRule>().FirstOrDefault();
        _disorder = ruleSet.Options.Disorder();
    }

    /// <summary>The models in service per sector; reload them to roll out new models without losing state.</summary>
    public SectorModels Models => _scoring.Models;

    /// <summary>The rule set in force.</summary>
    public RuleSet RuleSet => _context.Rules;

    /// <summary>The rules the engine runs.</summary>
    public IReadOnlyList<Rule> Rules => _rules;

    /// <summary>Enterprises seen so far.</summary>
    public int EnterpriseCount => _enterprises.Count;

    /// <summary>The engine's time.</summary>
    public EngineClock Clock => _clock;

    /// <summary>Reports applied and late, per kind.</summary>
    public EngineCounters Counters { get; } = new();

    /// <summary>The disorder policy in force.</summary>
    public DisorderPolicy Disorder => _disorder;

    /// <summary>Alerts open now.</summary>
    public IEnumerable<Alert> OpenAlerts => _book.Open();

    /// <summary>Applies one batch; every alert opened, updated or resolved by it is appended to <paramref name="changes"/>.</summary>
    public void Process(ReportBatch batch, List<Alert> changes) => Process(batch, changes, null);

    /// <summary>
    /// Applies one batch: alert changes go to <paramref name="changes"/>, credit grade changes to
    /// <paramref name="grades"/> (null: grades are not kept). Timed rules run afterwards if their time came.
    /// </summary>
    public void Process(ReportBatch batch, List<Alert> changes, List<GradeChange>? grades)
    {
        _clock.Advance(batch.ReceivedAt);
        foreach (var original in batch.Span)
        {
            var report = original;
            var enterprise = _enterprises.Intern(in report, out var added);
            if (added)
            {
                _window.EnsureCapacity(enterprise + 1);
                _grader.Added(enterprise);
            }
            var kind = report.Kind;
            var subject = SubjectOf(in report, enterprise);
            var judge = true;
            if (subject >= 0)
            {
                _subjects[(int)kind].Located(subject, report.Region);
                ref var frontier = ref _subjects[(int)kind].Frontier(subject);
                var at = report.ObservedAt.UtcTicks;
                var allowed = frontier - _disorder.Lateness.Ticks;
                // A reading at the very instant of its logger's newest is a repeat; two samples may share a minute.
                var late = frontier != 0 && (IsReading(kind) ? at <= allowed : at < allowed);
                if (late)
                {
                    Counters.Late(kind);
                    judge = _disorder.Action == LateAction.Adjust;
                    if (judge)
                    {
                        report = report with { ObservedAt = new DateTimeOffset(allowed + (IsReading(kind) ? 1 : 0), TimeSpan.Zero) };
                    }
                }
                else if (at > frontier)
                {
                    frontier = at;
                }
            }
            if (judge)
            {
                Counters.Applied(kind);
                var context = new ReportContext(enterprise, subject, _context);
                foreach (var rule in _byKind[(int)kind])
                {
                    rule.Apply(in report, in context);
                }
            }
            _clock.Observed(report.ObservedAt.UtcTicks);
            if (grades is not null)
            {
                _grader.OnReport(enterprise, report.ObservedAt);
            }
        }
        RunTimed();
        Complete(changes, grades);
    }

    /// <summary>
    /// Applies one command; alert changes go to <paramref name="changes"/> and grade changes to
    /// <paramref name="grades"/>. Returns the acknowledged alert for an acknowledgement (null when no such alert is
    /// open), null otherwise.
    /// </summary>
    public Alert? Execute(EngineCommand command, List<Alert> changes, List<GradeChange>? grades)
    {
        switch (command)
        {
            case EngineCommand.Process process:
                Process(process.Batch, changes, grades);
                return null;
            case EngineCommand.Tick tick:
                Advance(tick.At, changes);
                return null;
            case EngineCommand.Acknowledge ack:
                _clock.Advance(ack.At);
                return Acknowledge(ack.AlertId, changes);
            case EngineCommand.Reload reload:
                Reload(reload.Rules);
                return null;
            default:
                throw new ArgumentException("unknown command " + command.GetType().Name, nameof(command));
        }
    }

    /// <summary>
    /// Processing time has moved to <paramref name="now"/> without new reports (a tick): timed rules whose time
    /// came judge silence, due dates and expiry; their alert changes go to <paramref name="changes"/>.
    /// </summary>
    public void Advance(DateTimeOffset now, List<Alert> changes)
    {
        _clock.Advance(now);
        RunTimed();
        Complete(changes, null);
    }

    /// <summary>
    /// Acknowledges the open alert <paramref name="alertId"/>: it keeps updating as readings arrive, with status
    /// acknowledged, until it resolves. Returns the alert as acknowledged, or null when no alert with that id is
    /// open; the change, if it was not acknowledged already, goes to <paramref name="changes"/>.
    /// </summary>
    public Alert? Acknowledge(string alertId, List<Alert> changes)
    {
        var alert = _book.Acknowledge(alertId, out _);
        Complete(changes, null);
        return alert is null ? null : _book.Find(alertId);
    }

    /// <summary>Puts a new rule set (options, data tables) in force; state is kept, and alerts carry the new version from now on.</summary>
    public void Reload(RuleSet ruleSet)
    {
        _context.Rules = ruleSet;
        _book.RuleVersion = ruleSet.Version;
        _disorder = ruleSet.Options.Disorder();
        _grader.Reloaded();
        foreach (var rule in _rules)
        {
            rule.Reloaded(_context);
        }
    }

    /// <summary>The credit grade an enterprise holds, or null when it has not been graded.</summary>
    public CreditGrade? GradeOf(EnterpriseId id) => _enterprises.TryFind(id.Value, out var e) ? _grader.GradeOf(e) : null;

    /// <summary>
    /// Fills <paramref name="features"/> (length <see cref="RiskFeatures.Count"/>) for an enterprise as of
    /// <paramref name="at"/>; false when the enterprise has not reported yet.
    /// </summary>
    public bool TryGetFeatures(EnterpriseId id, DateTimeOffset at, Span<float> features)
    {
        if (!_enterprises.TryFind(id.Value, out var index))
        {
            return false;
        }
        FillFeatures(index, at, features);
        return true;
    }

    /// <summary>How much state the engine holds, by kind of state: for gauges.</summary>
    public IReadOnlyList<(string State, long Entries)> StateSizes()
    {
        var sizes = new List<(string, long)> { ("enterprises", _enterprises.Count), ("open-alerts", _book.Count) };
        for (var k = 1; k < _subjects.Length; k++)
        {
            sizes.Add(("subjects:" + ((ReportKind)k).Name(), _subjects[k].Count));
        }
        foreach (var rule in _rules)
        {
            if (rule.StateEntries > 0)
            {
                sizes.Add(("rule:" + rule.Name, rule.StateEntries));
            }
        }
        return sizes;
    }

    private void RunTimed()
    {
        for (var i = 0; i < _timed.Length; i++)
        {
            ref var timed = ref _timed[i];
            var now = timed.Rule.Clock == RuleClock.Uptime ? _clock.Uptime : _clock.EventNow;
            if (now < timed.Next || _clock.EventNow == 0)
            {
                continue;
            }
            timed.Next = now + timed.Rule.Period.Ticks;
            timed.Rule.Advance(_context);
        }
        if (_clock.EventNow >= _nextSweep && _clock.EventNow != 0)
        {
            _nextSweep = _clock.EventNow + _context.Options.Retention.SweepEvery.Ticks;
            Evict();
        }
    }

    // Subjects without reports for longer than the idle horizon that no rule still needs are forgotten.
    private void Evict()
    {
        var idle = _context.Options.Retention.IdleSubject.Ticks;
        var now = _clock.EventNow;
        for (var k = 1; k < _subjects.Length; k++)
        {
            var subjects = _subjects[k];
            var kind = (ReportKind)k;
            for (var id = 0; id < subjects.Capacity; id++)
            {
                if (!subjects.IsLive(id) || now - subjects.Frontier(id) <= idle || Retained(kind, id))
                {
                    continue;
                }
                foreach (var rule in _byKind[k])
                {
                    rule.Forget(kind, id);
                }
                subjects.Evict(id);
            }
        }
    }

    private bool Retained(ReportKind kind, int subject)
    {
        foreach (var rule in _byKind[(int)kind])
        {
            if (rule.Retains(kind, subject, _context))
            {
                return true;
            }
        }
        return false;
    }

    private void Complete(List<Alert> changes, List<GradeChange>? grades)
    {
        _scoring.Run();
        _book.Complete(changes);
        _grader.Complete(grades);
        _scoring.Clear();
    }

    private int SubjectOf(in Report report, int enterprise)
    {
        var (first, second) = report.Payload switch
        {
            ColdChainReading c => (c.DeviceId, ""),
            DrugStorageReading d => (d.WarehouseId, ""),
            EquipmentTelemetry t => (t.EquipmentId, t.Metric),
            FoodSampling s => (s.Product, s.TestItem),
            AgriResidue r => (r.Commodity, r.Pesticide),
            DrugBatch b => (b.ApprovalNo, b.BatchNo),
            FoodBatch f => (f.LicenceNo, f.BatchNo),
            EquipmentInspection i => (i.EquipmentId, ""),
            AgriOrigin o => (o.TraceCode, ""),
            _ => ((string?)null, ""),
        };
        return first is null ? -1 : _subjects[(int)report.Kind].Intern(enterprise, first, second, out _);
    }

    private static bool IsReading(ReportKind kind) => kind is ReportKind.FoodColdChain or ReportKind.DrugStorage or ReportKind.EquipmentTelemetry;

    private void FillFeatures(int enterprise, DateTimeOffset at, Span<float> features)
    {
        var hour = at.UtcTicks / TimeSpan.TicksPerHour;
        var totals = _window.Sum(enterprise, hour);
        features[RiskFeatures.Sector] = (float)_enterprises[enterprise].Sector;
        features[RiskFeatures.Readings24h] = totals.Readings;
        features[RiskFeatures.ExcursionMinutes24h] = totals.ExcursionMinutes;
        features[RiskFeatures.OverLimitShare24h] = totals.Readings > 0 ? totals.OverLimit / totals.Readings : 0;
        features[RiskFeatures.TrappedEvents24h] = totals.Trapped;
        features[RiskFeatures.MaxExcessC24h] = totals.MaxExcess;
        features[RiskFeatures.OpenAlerts] = _book.OpenCount(enterprise);
        features[RiskFeatures.AdverseEvents24h] = totals.AdverseEvents;
        features[RiskFeatures.FailedSamplings24h] = totals.FailedSamplings;
        features[RiskFeatures.InspectionOverdueDays] = _dueRule?.OverdueDays(enterprise, at.UtcTicks) ?? 0;
        features[RiskFeatures.ExpiredBatches24h] = totals.ExpiredBatches;
    }

    /// <summary>
    /// Writes the engine's whole state (clock, enterprises, windows, subjects, alert book, grades, every rule's
    /// state) with <paramref name="position"/>, the caller's place in its input log, to <paramref name="stream"/>.
    /// </summary>
    public void WriteSnapshot(Stream stream, long position)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(SnapshotFormat);
        writer.Write(position);
        writer.Write(_context.Rules.Version);
        _clock.Write(writer);
        writer.Write(_nextSweep);
        _enterprises.Write(writer);
        _window.Write(writer, _enterprises.Count);
        for (var k = 1; k < _subjects.Length; k++)
        {
            _subjects[k].Write(writer);
        }
        _book.Write(writer);
        _grader.Write(writer);
        Counters.Write(writer);
        writer.Write(_timed.Length);
        foreach (var (rule, next) in _timed)
        {
            writer.Write(((Rule)rule).Name);
            writer.Write(next);
        }
        writer.Write(_rules.Length);
        // Each rule's state is a section with its length in front, so a reader can skip a rule it does not run; the
        // length is patched in after the section is written (no copy of the largest sections through memory).
        var seekable = stream.CanSeek;
        using var buffer = seekable ? null : new MemoryStream();
        foreach (var rule in _rules)
        {
            writer.Write(rule.Name);
            writer.Write(rule.StateVersion);
            if (seekable)
            {
                writer.Write(0L);
                writer.Flush();
                var start = stream.Position;
                rule.Write(writer, _context);
                writer.Flush();
                var end = stream.Position;
                stream.Position = start - sizeof(long);
                writer.Write(end - start);
                writer.Flush();
                stream.Position = end;
            }
            else
            {
                buffer!.SetLength(0);
                using (var ruleWriter = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
                {
                    rule.Write(ruleWriter, _context);
                }
                writer.Write(buffer.Length);
                writer.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            }
        }
        writer.Write(Magic);
    }

    /// <summary>
    /// Restores the state <see cref="WriteSnapshot"/> wrote into this freshly created engine and returns the position
    /// written with it. Rules the snapshot does not know start empty; rules it holds that this engine does not run
    /// are skipped.
    /// </summary>
    /// <exception cref="SnapshotException">The stream is not a snapshot of this format, a rule's state has another version, or it is cut short.</exception>
    public long ReadSnapshot(Stream stream)
    {
        if (_enterprises.Count > 0)
        {
            throw new InvalidOperationException("a snapshot is restored into a fresh engine only");
        }
        try
        {
            using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                throw new SnapshotException("not an engine snapshot (its first bytes are not SUPVSNAP)");
            }
            var format = reader.ReadInt32();
            if (format != SnapshotFormat)
            {
                throw new SnapshotException($"the snapshot has layout {format}, written by {(format < SnapshotFormat ? "an earlier" : "a later")} version; this version reads layout {SnapshotFormat}");
            }
            var position = reader.ReadInt64();
            _ = reader.ReadString();
            _clock.Read(reader);
            _nextSweep = reader.ReadInt64();
            _enterprises.Read(reader);
            _window.Read(reader, _enterprises.Count);
            for (var k = 1; k < _subjects.Length; k++)
            {
                _subjects[k].Read(reader);
            }
            _book.Read(reader);
            _grader.Read(reader);
            Counters.Read(reader);
            var timed = reader.ReadInt32();
            for (var i = 0; i < timed; i++)
            {
                var name = reader.ReadString();
                var next = reader.ReadInt64();
                var at = Array.FindIndex(_timed, t => ((Rule)t.Rule).Name == name);
                if (at >= 0)
                {
                    _timed[at].Next = next;
                }
            }
            var rules = reader.ReadInt32();
            for (var i = 0; i < rules; i++)
            {
                var name = reader.ReadString();
                var version = reader.ReadInt32();
                var length = reader.ReadInt64();
                var rule = Array.Find(_rules, r => r.Name == name);
                if (rule is null)
                {
                    Skip(stream, length);
                    continue;
                }
                if (version != rule.StateVersion)
                {
                    throw new SnapshotException($"the snapshot holds state version {version} of rule '{name}'; this version of the rule reads version {rule.StateVersion}");
                }
                using var section = new BinaryReader(new SectionStream(stream, length), System.Text.Encoding.UTF8, leaveOpen: true);
                rule.Read(section, _context);
                if (section.BaseStream.Position != length)
                {
                    throw new SnapshotException($"rule '{name}' read {section.BaseStream.Position} of the {length} bytes of its state");
                }
            }
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                throw new SnapshotException("the snapshot does not end where its sections say it does");
            }
            return position;
        }
        catch (EndOfStreamException e)
        {
            throw new SnapshotException("the snapshot is cut short", e);
        }
    }

    private static void Skip(Stream stream, long length)
    {
        if (stream.CanSeek)
        {
            stream.Seek(length, SeekOrigin.Current);
            return;
        }
        var buffer = new byte[81920];
        while (length > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, length));
            if (read == 0)
            {
                throw new EndOfStreamException();
            }
            length -= read;
        }
    }
}

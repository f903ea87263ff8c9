using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Snapshots;
using Supervision.Streaming.State;

namespace Supervision.Streaming.Alerts;

/// <summary>
/// The engine's open alerts, shared by every rule: a rule keeps a handle (0 for none) in its subject's state and
/// raises, updates or resolves through the book, which deduplicates by rule, enterprise and subject, keeps the
/// lifecycle (an acknowledged alert stays acknowledged through updates until it resolves), counts open alerts
/// per enterprise, and emits every change. Scores and model reasons are filled in when the batch completes, all
/// decisions of the batch scored together.
/// </summary>
public sealed class AlertBook
{
    private readonly EnterpriseTable _enterprises;
    private readonly EngineScoring _scoring;
    private readonly Dictionary<string, int> _byId = new(StringComparer.Ordinal);
    private readonly Stack<int> _free = new();
    private readonly List<(Alert Record, int Ticket)> _pending = [];
    private readonly Dictionary<string, Alert> _final = new(StringComparer.Ordinal);
    private Alert?[] _slots = new Alert?[64];
    private int[] _enterpriseOf = new int[64];
    private int _high = 1;
    private int[] _openPerEnterprise = new int[16];

    internal AlertBook(EnterpriseTable enterprises, EngineScoring scoring)
    {
        _enterprises = enterprises;
        _scoring = scoring;
    }

    /// <summary>Called when an alert that is a violation opens: (enterprise, day of event time, critical).</summary>
    internal Action<int, long, bool>? ViolationOpened { get; set; }

    /// <summary>The rule-set version new and updated alerts carry.</summary>
    public string RuleVersion { get; internal set; } = "";

    /// <summary>Alerts open now.</summary>
    public int Count => _byId.Count;

    /// <summary>True when <paramref name="handle"/> holds an open alert.</summary>
    public bool IsOpen(int handle) => handle > 0 && _slots[handle] is not null;

    /// <summary>The open alert a handle holds.</summary>
    public Alert this[int handle] => _slots[handle] ?? throw new ArgumentException("no open alert has handle " + handle, nameof(handle));

    /// <summary>Open alerts of an enterprise.</summary>
    public int OpenCount(int enterprise) => enterprise < _openPerEnterprise.Length ? _openPerEnterprise[enterprise] : 0;

    /// <summary>The open alert with this id, if any.</summary>
    public Alert? Find(string alertId) => _byId.TryGetValue(alertId, out var handle) ? _slots[handle] : null;

    /// <summary>Every open alert.</summary>
    public IEnumerable<Alert> Open()
    {
        foreach (var handle in _byId.Values)
        {
            yield return _slots[handle]!;
        }
    }

    /// <summary>Opens an alert for the draft in <paramref name="handle"/>, or updates the one open there.</summary>
    public void Raise(ref int handle, int enterprise, in AlertDraft draft)
    {
        var ticket = _scoring.Queue(enterprise, draft.LastSeen, reasons: true);
        Alert record;
        if (IsOpen(handle))
        {
            var open = _slots[handle]!;
            record = open with
            {
                Status = open.Status == AlertStatus.Acknowledged ? AlertStatus.Acknowledged : AlertStatus.Open,
                Severity = (Severity)Math.Max((int)open.Severity, (int)draft.Severity),
                Summary = draft.Summary,
                Explanation = draft.Evidence,
                LastSeen = draft.LastSeen,
                Count = open.Count + 1,
                RuleVersion = RuleVersion,
            };
        }
        else
        {
            var (id, region, sector) = _enterprises[enterprise];
            var key = string.Concat(draft.RuleId, "|", id.Value, "|", draft.Subject);
            record = new Alert
            {
                AlertId = AlertIdFor(key, draft.FirstSeen),
                Key = key,
                EnterpriseId = id.Value,
                Region = (draft.Region == default ? region : draft.Region).ToString(),
                Sector = sector,
                Kind = draft.Kind.Name(),
                Severity = draft.Severity,
                Status = AlertStatus.Open,
                RiskScore = 0,
                RuleId = draft.RuleId,
                ModelVersion = EngineScoring.NoModel,
                RuleVersion = RuleVersion,
                Explanation = draft.Evidence,
                Summary = draft.Summary,
                FirstSeen = draft.FirstSeen,
                LastSeen = draft.LastSeen,
                Count = 1,
            };
            handle = Allocate(enterprise, record);
            if (draft.Violation)
            {
                ViolationOpened?.Invoke(enterprise, draft.LastSeen.UtcTicks / TimeSpan.TicksPerDay, draft.Severity == Severity.Critical);
            }
        }
        _slots[handle] = record;
        _pending.Add((record, ticket));
    }

    /// <summary>Resolves the alert open in <paramref name="handle"/> (the condition is over); nothing when none is.</summary>
    public void Resolve(ref int handle)
    {
        if (!IsOpen(handle))
        {
            handle = 0;
            return;
        }
        var record = _slots[handle]! with { Status = AlertStatus.Resolved };
        Release(handle, record.AlertId);
        handle = 0;
        _pending.Add((record, -1));
    }

    /// <summary>
    /// Acknowledges the open alert <paramref name="alertId"/>; null when no alert with that id is open.
    /// <paramref name="changed"/> is false when it was acknowledged already.
    /// </summary>
    public Alert? Acknowledge(string alertId, out bool changed)
    {
        changed = false;
        if (!_byId.TryGetValue(alertId, out var handle))
        {
            return null;
        }
        var alert = _slots[handle]!;
        if (alert.Status != AlertStatus.Acknowledged)
        {
            changed = true;
            alert = alert with { Status = AlertStatus.Acknowledged };
            _slots[handle] = alert;
            _pending.Add((alert, -1));
        }
        return alert;
    }

    /// <summary>Fills in scores and reasons of everything raised since the last call and emits the changes in order.</summary>
    internal void Complete(List<Alert> output)
    {
        foreach (var (record, ticket) in _pending)
        {
            Alert final;
            if (ticket >= 0)
            {
                final = record with
                {
                    RiskScore = _scoring.Score(ticket),
                    ModelVersion = _scoring.Version(ticket),
                    Explanation = _scoring.WithReasons(ticket, record.Explanation),
                };
            }
            else if (_final.TryGetValue(record.AlertId, out var scored))
            {
                final = record with { RiskScore = scored.RiskScore, ModelVersion = scored.ModelVersion, Explanation = scored.Explanation };
            }
            else
            {
                final = record;
            }
            _final[record.AlertId] = final;
            output.Add(final);
        }
        foreach (var (id, final) in _final)
        {
            if (_byId.TryGetValue(id, out var handle))
            {
                _slots[handle] = final;
            }
        }
        _pending.Clear();
        _final.Clear();
    }

    private int Allocate(int enterprise, Alert record)
    {
        var handle = _free.Count > 0 ? _free.Pop() : _high++;
        if (handle >= _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
            Array.Resize(ref _enterpriseOf, _slots.Length);
        }
        if (enterprise >= _openPerEnterprise.Length)
        {
            Array.Resize(ref _openPerEnterprise, Math.Max(enterprise + 1, _openPerEnterprise.Length * 2));
        }
        _enterpriseOf[handle] = enterprise;
        _openPerEnterprise[enterprise]++;
        _byId.Add(record.AlertId, handle);
        return handle;
    }

    private void Release(int handle, string alertId)
    {
        _slots[handle] = null;
        _openPerEnterprise[_enterpriseOf[handle]]--;
        _byId.Remove(alertId);
        _free.Push(handle);
    }

    // Same key and start give the same id, so a replayed stream reproduces its alerts instead of duplicating them.
    private static string AlertIdFor(string key, DateTimeOffset firstSeen)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key + "|" + firstSeen.UtcTicks.ToString(CultureInfo.InvariantCulture)), hash);
        return "al-" + Convert.ToHexStringLower(hash[..8]);
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write(_high);
        writer.Write(_byId.Count);
        for (var handle = 1; handle < _high; handle++)
        {
            if (_slots[handle] is { } alert)
            {
                writer.Write(handle);
                writer.Write(_enterpriseOf[handle]);
                writer.WriteAlert(alert);
            }
        }
    }

    internal void Read(BinaryReader reader)
    {
        _byId.Clear();
        _free.Clear();
        Array.Clear(_slots);
        Array.Clear(_openPerEnterprise);
        _high = reader.ReadInt32();
        if (_slots.Length < _high)
        {
            Array.Resize(ref _slots, _high);
            Array.Resize(ref _enterpriseOf, _high);
        }
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var handle = reader.ReadInt32();
            var enterprise = reader.ReadInt32();
            var alert = reader.ReadAlert();
            _slots[handle] = alert;
            _enterpriseOf[handle] = enterprise;
            if (enterprise >= _openPerEnterprise.Length)
            {
                Array.Resize(ref _openPerEnterprise, Math.Max(enterprise + 1, _openPerEnterprise.Length * 2));
            }
            _openPerEnterprise[enterprise]++;
            _byId.Add(alert.AlertId, handle);
        }
        for (var handle = _high - 1; handle >= 1; handle--)
        {
            if (_slots[handle] is null)
            {
                _free.Push(handle);
            }
        }
    }
}

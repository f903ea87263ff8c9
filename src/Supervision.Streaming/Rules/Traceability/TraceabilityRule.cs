using System.Globalization;
using Supervision.Domain.Alerts;
using Supervision.Domain.Reports;
using Supervision.Streaming.Alerts;

namespace Supervision.Streaming.Rules.Traceability;

/// <summary>
/// Traceability chains of agricultural lots (<c>agri.origin</c>). Each report is one link: its enterprise holds a
/// quantity of the lot, received from <c>fromEnterpriseId</c> (none for the origin link). A chain must be
/// consistent across enterprises:
/// <list type="bullet">
/// <item>its origin region is fixed by the first link: a link naming another is critical (<c>agri.trace.origin</c>);</item>
/// <item>what the links naming an enterprise as their predecessor received together is never more than that
/// enterprise received itself (within <see cref="TraceabilityOptions.QuantityTolerance"/>): critical against the
/// predecessor (<c>agri.trace.quantity</c>);</item>
/// <item>a link whose predecessor has not reported the lot is a break (<c>agri.trace.break</c>, warning), judged
/// once <see cref="TraceabilityOptions.BreakGrace"/> of event time has passed, since links may arrive out of order;
/// the predecessor's report resolves it.</item>
/// </list>
/// </summary>
public sealed class TraceabilityRule : Rule, ITimedRule
{
    private readonly Dictionary<string, Chain> _chains = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private long _nextSweep;

    public override string Name => "traceability";

    public override IReadOnlyList<string> Ids => [RuleIds.TraceBreak, RuleIds.TraceOrigin, RuleIds.TraceQuantity];

    public override IReadOnlyList<ReportKind> Kinds => [ReportKind.AgriOrigin];

    public TimeSpan Period => TimeSpan.FromMinutes(10);

    public override long StateEntries => _chains.Count;

    public override void Apply(in Report report, in ReportContext context)
    {
        var origin = (AgriOrigin)report.Payload;
        var engine = context.Engine;
        if (!_chains.TryGetValue(origin.TraceCode, out var chain))
        {
            chain = new Chain { OriginRegion = origin.OriginRegion.Value, Commodity = origin.Commodity };
            _chains.Add(origin.TraceCode, chain);
        }
        chain.LastSeen = Math.Max(chain.LastSeen, report.ObservedAt.UtcTicks);
        var enterpriseId = report.EnterpriseId.Value;
        var link = chain.Links.Find(l => l.EnterpriseId == enterpriseId);
        if (link is null)
        {
            link = new Link { Enterprise = context.Enterprise, EnterpriseId = enterpriseId, From = origin.FromEnterpriseId };
            chain.Links.Add(link);
        }
        else
        {
            // A later report of the same link corrects it: take back what it counted against its predecessor.
            if (link.From.Length > 0 && link.PendingSince == 0 && chain.Links.Find(l => l.EnterpriseId == link.From) is { } counted)
            {
                counted.PassedOn -= link.Quantity;
            }
            link.From = origin.FromEnterpriseId;
            link.PendingSince = 0;
        }
        link.Quantity = origin.QuantityKg;
        link.Observed = report.ObservedAt;
        link.Region = report.Region;

        if (origin.OriginRegion.Value != chain.OriginRegion)
        {
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"lot {origin.TraceCode} ({origin.Commodity}) reported with origin {origin.OriginRegion}, but its chain began with origin {chain.OriginRegion:D6}");
            ExplanationItem[] explanation = [new("originRegion", origin.OriginRegion.Value, chain.OriginRegion, null)];
            engine.Alerts.Raise(ref link.OriginAlert, context.Enterprise,
                new AlertDraft(RuleIds.TraceOrigin, origin.TraceCode, Severity.Critical, summary, explanation, report.ObservedAt, report.ObservedAt, report.Kind, Region: report.Region));
        }
        else
        {
            engine.Alerts.Resolve(ref link.OriginAlert);
        }

        if (link.From.Length > 0)
        {
            if (chain.Links.Find(l => l.EnterpriseId == link.From) is { } predecessor)
            {
                link.PendingSince = 0;
                engine.Alerts.Resolve(ref link.BreakAlert);
                predecessor.PassedOn += link.Quantity;
                JudgeQuantity(engine, origin.TraceCode, chain, predecessor, report.ObservedAt);
            }
            else if (link.PendingSince == 0)
            {
                link.PendingSince = report.ObservedAt.UtcTicks;
                _pending.Add(origin.TraceCode);
            }
        }
        // This enterprise may be the predecessor links were waiting for, and what it received may have changed.
        foreach (var waiting in chain.Links)
        {
            if (waiting.From == enterpriseId && waiting.PendingSince != 0)
            {
                waiting.PendingSince = 0;
                engine.Alerts.Resolve(ref waiting.BreakAlert);
                link.PassedOn += waiting.Quantity;
            }
        }
        JudgeQuantity(engine, origin.TraceCode, chain, link, report.ObservedAt);
    }

    public void Advance(RuleContext context)
    {
        var now = context.Clock.EventNow;
        var grace = context.Options.Traceability.BreakGrace.Ticks;
        List<string>? settled = null;
        foreach (var code in _pending)
        {
            var chain = _chains[code];
            var waiting = false;
            foreach (var link in chain.Links)
            {
                if (link.PendingSince == 0)
                {
                    continue;
                }
                waiting = true;
                if (now - link.PendingSince < grace || context.Alerts.IsOpen(link.BreakAlert))
                {
                    continue;
                }
                var summary = string.Create(CultureInfo.InvariantCulture,
                    $"lot {code} ({chain.Commodity}): received from {link.From}, which has not reported the lot; the chain is broken");
                ExplanationItem[] explanation = [new("hoursWaiting", Math.Round(TimeSpan.FromTicks(now - link.PendingSince).TotalHours, 1), Math.Round(TimeSpan.FromTicks(grace).TotalHours, 1), null)];
                context.Alerts.Raise(ref link.BreakAlert, link.Enterprise,
                    new AlertDraft(RuleIds.TraceBreak, code, Severity.Warning, summary, explanation, link.Observed, context.Clock.EventNowTime, ReportKind.AgriOrigin, Region: link.Region));
            }
            if (!waiting)
            {
                (settled ??= []).Add(code);
            }
        }
        settled?.ForEach(code => _pending.Remove(code));
        if (now >= _nextSweep)
        {
            _nextSweep = now + context.Options.Retention.SweepEvery.Ticks;
            Evict(context, now);
        }
    }

    private static void JudgeQuantity(RuleContext engine, string code, Chain chain, Link holder, DateTimeOffset at)
    {
        var alerts = engine.Alerts;
        if (holder.PassedOn <= (holder.Quantity * (1 + engine.Options.Traceability.QuantityTolerance)) + 1e-9)
        {
            alerts.Resolve(ref holder.QuantityAlert);
            return;
        }
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"lot {code} ({chain.Commodity}): {holder.PassedOn:0.##} kg passed on from {holder.EnterpriseId}, which received {holder.Quantity:0.##} kg");
        ExplanationItem[] explanation = [new("passedOnKg", holder.PassedOn, holder.Quantity, null)];
        alerts.Raise(ref holder.QuantityAlert, holder.Enterprise,
            new AlertDraft(RuleIds.TraceQuantity, code, Severity.Critical, summary, explanation, at, at, ReportKind.AgriOrigin, Region: holder.Region));
    }

    private void Evict(RuleContext context, long now)
    {
        var idle = context.Options.Retention.IdleTraceChain.Ticks;
        List<string>? gone = null;
        foreach (var (code, chain) in _chains)
        {
            if (now - chain.LastSeen > idle && !chain.Links.Exists(l => context.Alerts.IsOpen(l.BreakAlert) || context.Alerts.IsOpen(l.OriginAlert) || context.Alerts.IsOpen(l.QuantityAlert)))
            {
                (gone ??= []).Add(code);
            }
        }
        foreach (var code in gone ?? [])
        {
            _chains.Remove(code);
            _pending.Remove(code);
        }
    }

    public override void Write(BinaryWriter writer, RuleContext context)
    {
        writer.Write(_nextSweep);
        writer.Write(_chains.Count);
        foreach (var (code, chain) in _chains)
        {
            writer.Write(code);
            writer.Write(chain.OriginRegion);
            writer.Write(chain.Commodity);
            writer.Write(chain.LastSeen);
            writer.Write(chain.Links.Count);
            foreach (var l in chain.Links)
            {
                writer.Write(l.Enterprise);
                writer.Write(l.EnterpriseId);
                writer.Write(l.From);
                writer.Write(l.Quantity);
                writer.Write(l.PassedOn);
                writer.Write(l.PendingSince);
                writer.Write(l.Observed.UtcTicks);
                writer.Write(l.Region.Value);
                writer.Write(l.BreakAlert);
                writer.Write(l.OriginAlert);
                writer.Write(l.QuantityAlert);
            }
        }
    }

    public override void Read(BinaryReader reader, RuleContext context)
    {
        _chains.Clear();
        _pending.Clear();
        _nextSweep = reader.ReadInt64();
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var code = reader.ReadString();
            var chain = new Chain { OriginRegion = reader.ReadInt32(), Commodity = reader.ReadString(), LastSeen = reader.ReadInt64() };
            var links = reader.ReadInt32();
            for (var j = 0; j < links; j++)
            {
                var link = new Link
                {
                    Enterprise = reader.ReadInt32(),
                    EnterpriseId = reader.ReadString(),
                    From = reader.ReadString(),
                    Quantity = reader.ReadDouble(),
                    PassedOn = reader.ReadDouble(),
                    PendingSince = reader.ReadInt64(),
                    Observed = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero),
                    Region = reader.ReadInt32() is var region and not 0 ? Domain.Identifiers.RegionCode.FromValue(region) : default,
                    BreakAlert = reader.ReadInt32(),
                    OriginAlert = reader.ReadInt32(),
                    QuantityAlert = reader.ReadInt32(),
                };
                chain.Links.Add(link);
                if (link.PendingSince != 0)
                {
                    _pending.Add(code);
                }
            }
            _chains.Add(code, chain);
        }
    }

    private sealed class Chain
    {
        public int OriginRegion;
        public string Commodity = "";
        public long LastSeen;
        public readonly List<Link> Links = [];
    }

    private sealed class Link
    {
        public int Enterprise;
        public string EnterpriseId = "";
        public string From = "";
        public double Quantity;
        public double PassedOn;
        public long PendingSince;
        public DateTimeOffset Observed;
        public Domain.Identifiers.RegionCode Region;
        public int BreakAlert;
        public int OriginAlert;
        public int QuantityAlert;
    }
}

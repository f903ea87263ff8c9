namespace Supervision.Server.Api.Bodies;

/// <summary>The engine's clocks: processing time, event time now, and uptime (null before the first input).</summary>
public sealed record EngineClockBody(DateTimeOffset? Processing, DateTimeOffset? EventNow, TimeSpan Uptime);

/// <summary>The newest engine snapshot: the write-ahead-log position it covers, its size and when it was written.</summary>
public sealed record SnapshotBody(string Position, long Bytes, DateTimeOffset At);

/// <summary>The engine's state (<c>GET /api/v1/admin/engine</c>): clocks, state sizes by kind, late reports by report kind, the newest snapshot.</summary>
public sealed record EngineBody(EngineClockBody Clock, IReadOnlyDictionary<string, long> State, IReadOnlyDictionary<string, long> LateReports, SnapshotBody? Snapshot);

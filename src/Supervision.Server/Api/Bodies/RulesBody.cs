namespace Supervision.Server.Api.Bodies;

/// <summary>One rule the engine runs: its name, the rule ids its alerts carry, the report kinds it reads, and whether it acts on time.</summary>
public sealed record RuleBody(string Name, IReadOnlyList<string> Ids, IReadOnlyList<string> Kinds, bool Timed);

/// <summary>The engine's disorder policy: its name and how late a report may be and still be judged as it is.</summary>
public sealed record DisorderBody(string Name, TimeSpan Lateness);

/// <summary>The rule set in force (<c>GET /api/v1/admin/rules</c>).</summary>
public sealed record RulesBody(
    string Version,
    DateTimeOffset LoadedAt,
    string? LastError,
    string RulesFile,
    IReadOnlyList<string> DataFiles,
    DisorderBody DisorderPolicy,
    IReadOnlyList<RuleBody> Rules);

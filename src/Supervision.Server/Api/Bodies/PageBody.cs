namespace Supervision.Server.Api.Bodies;

/// <summary>One page of rows; <see cref="NextOffset"/> is where the next page starts, null after the last.</summary>
public sealed record PageBody<T>(IReadOnlyList<T> Items, int Offset, int Limit, int? NextOffset);

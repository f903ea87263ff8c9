namespace Supervision.Server.Api.Bodies;

/// <summary>An answer of rows: <c>{"items": [...]}</c>.</summary>
public sealed record ItemsBody<T>(IReadOnlyList<T> Items);

namespace Supervision.Server.Api.Bodies;

/// <summary>A mapping profile in service.</summary>
public sealed record ProfileBody(string Name, string? Description);

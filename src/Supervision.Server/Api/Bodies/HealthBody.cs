namespace Supervision.Server.Api.Bodies;

/// <summary>The answer of <c>GET /healthz</c> when ready: batches waiting for the engine, writes waiting for the store.</summary>
public sealed record HealthBody(string Status, int Queued, long PendingWrites);

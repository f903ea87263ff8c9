namespace Supervision.Streaming.Snapshots;

/// <summary>A snapshot the engine cannot restore (another format or rule-state version, a damaged file); the message says which and why.</summary>
public sealed class SnapshotException(string message, Exception? inner = null) : Exception(message, inner);

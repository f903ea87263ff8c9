namespace Supervision.Cli.Commands;

/// <summary>Raised for bad command-line input found only while a verb runs; the message is the one line the user sees.</summary>
public sealed class UsageException(string message) : Exception(message);

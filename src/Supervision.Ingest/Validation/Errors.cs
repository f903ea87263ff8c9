namespace Supervision.Ingest.Validation;

/// <summary>What is wrong with one field of one record; <see cref="Field"/> uses envelope paths, e.g. <c>payload.temperatureC</c>.</summary>
public readonly record struct FieldError(string Field, string Message);

/// <summary>A rejected record: its index in the batch, its id when it had one, and every field error found.</summary>
public sealed record RecordError(int Index, string? ReportId, IReadOnlyList<FieldError> Errors);

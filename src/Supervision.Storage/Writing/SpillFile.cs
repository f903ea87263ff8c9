using System.Globalization;
using System.Text.Json;
using Supervision.Domain.Alerts;
using Supervision.Domain.Identifiers;
using Supervision.Domain.Reports;
using Supervision.Storage.Queries;

namespace Supervision.Storage.Writing;

/// <summary>One write the store could not take, as it waits on disk: its kind, time and rows.</summary>
internal sealed record SpillEntry(
    string Kind,
    DateTimeOffset At,
    SpilledReport[]? Reports = null,
    Alert[]? Alerts = null,
    GradeChange[]? GradeChanges = null,
    RiskScoreRecord[]? Scores = null,
    RiskSnapshot[]? Snapshots = null,
    AuditRecord[]? Audit = null);

/// <summary>A report in a form JSON can carry: the envelope with the payload as its kind's JSON.</summary>
internal sealed record SpilledReport(string ReportId, string EnterpriseId, string Region, string Kind, DateTimeOffset ObservedAt, JsonElement Payload)
{
    public static SpilledReport From(in Report report, JsonSerializerOptions json) => new(
        report.ReportId, report.EnterpriseId.Value, report.Region.ToString(), report.Kind.Name(), report.ObservedAt,
        JsonSerializer.SerializeToElement(report.Payload, report.Payload.GetType(), json));

    public Report ToReport(JsonSerializerOptions json)
    {
        if (!ReportKinds.TryParse(Kind, out var kind))
        {
            throw new InvalidDataException($"spilled report '{ReportId}' has unknown kind '{Kind}'");
        }
        ReportPayload payload = kind switch
        {
            ReportKind.FoodColdChain => Payload.Deserialize<ColdChainReading>(json)!,
            ReportKind.EquipmentTelemetry => Payload.Deserialize<EquipmentTelemetry>(json)!,
            _ => throw new InvalidDataException($"spilled report '{ReportId}' has kind '{Kind}', whose payload cannot be spilled yet"),
        };
        return new Report(ReportId, Domain.Identifiers.EnterpriseId.Parse(EnterpriseId), RegionCode.Parse(Region), kind, ObservedAt, payload);
    }
}

/// <summary>
/// The spill directory: one file per write, named by a sequence number so they replay in the order they were
/// spilled. A file is written to a temporary name and renamed, so a crash never leaves half an entry behind.
/// </summary>
internal sealed class SpillFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _directory;
    private readonly SortedSet<long> _files = [];
    private long _next;

    public SpillFile(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        foreach (var path in Directory.EnumerateFiles(directory, "*.json"))
        {
            if (long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                _files.Add(n);
            }
        }
        _next = _files.Count == 0 ? 1 : _files.Max + 1;
    }

    /// <summary>Entries waiting.</summary>
    public int Count => _files.Count;

    public static JsonSerializerOptions Options => Json;

    public void Append(SpillEntry entry)
    {
        var n = _next++;
        var path = PathOf(n);
        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            JsonSerializer.Serialize(stream, entry, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path);
        _files.Add(n);
    }

    /// <summary>The oldest entry, or null.</summary>
    public (long Id, SpillEntry Entry)? Peek()
    {
        if (_files.Count == 0)
        {
            return null;
        }
        var n = _files.Min;
        using var stream = File.OpenRead(PathOf(n));
        return (n, JsonSerializer.Deserialize<SpillEntry>(stream, Json) ?? throw new InvalidDataException($"spill file {PathOf(n)} is empty"));
    }

    /// <summary>Moves an entry that cannot be replayed to <c>rejected/</c> beside the spill; returns where.</summary>
    public string Quarantine(long id)
    {
        var rejected = Path.Combine(_directory, "rejected");
        Directory.CreateDirectory(rejected);
        var target = Path.Combine(rejected, Path.GetFileName(PathOf(id)));
        File.Move(PathOf(id), target, overwrite: true);
        _files.Remove(id);
        return target;
    }

    public void Remove(long id)
    {
        File.Delete(PathOf(id));
        _files.Remove(id);
    }

    private string PathOf(long n) => Path.Combine(_directory, n.ToString("D20", CultureInfo.InvariantCulture) + ".json");
}

using System.Globalization;
using Supervision.Ingest.Wal;
using Supervision.Streaming.Pipeline;
using Supervision.Streaming.Snapshots;

namespace Supervision.Server.Pipeline;

/// <summary>
/// Engine snapshots as files in <c>&lt;DataDirectory&gt;/snapshots</c>, named by the write-ahead-log position they
/// cover. A snapshot is written to a temporary file, flushed to disk and renamed, so a crash leaves either the old
/// snapshot or the new one; the newest two are kept. At start the newest is restored; one the engine refuses
/// (another layout, a damaged file) is set aside as <c>.refused</c> with the reason logged, and the engine starts
/// from what the log still holds.
/// </summary>
public sealed class SnapshotStore(string directory, ILogger<SnapshotStore> logger)
{
    private const string Suffix = ".snapshot";

    /// <summary>The newest snapshot written or restored: its position and size.</summary>
    public (WalPosition Position, long Bytes, DateTimeOffset At)? Latest { get; private set; }

    /// <summary>Restores the newest snapshot into <paramref name="engine"/>; the log position it covers, or default when none could be restored.</summary>
    public WalPosition Restore(SupervisionEngine engine)
    {
        foreach (var file in Files().OrderByDescending(f => f.Name, StringComparer.Ordinal))
        {
            try
            {
                using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
                var position = WalPosition.Unpack(engine.ReadSnapshot(stream));
                Latest = (position, file.Length, file.LastWriteTimeUtc);
                logger.LogInformation("Engine state restored from {File} ({Bytes:N0} bytes, log position {Position}): {Enterprises} enterprises, {Alerts} open alerts",
                    file.FullName, file.Length, position, engine.EnterpriseCount, engine.OpenAlerts.Count());
                return position;
            }
            catch (SnapshotException e)
            {
                logger.LogError("Engine snapshot {File} is refused: {Reason}. It is set aside as {File}.refused; the engine starts from what the write-ahead log still holds",
                    file.FullName, e.Message, file.FullName);
                File.Move(file.FullName, file.FullName + ".refused", overwrite: true);
                return default;
            }
        }
        return default;
    }

    /// <summary>Writes a snapshot of <paramref name="engine"/> covering the log up to <paramref name="position"/>.</summary>
    public void Write(SupervisionEngine engine, WalPosition position, DateTimeOffset at)
    {
        Directory.CreateDirectory(directory);
        var name = Path.Combine(directory, position.Pack().ToString("x16", CultureInfo.InvariantCulture) + Suffix);
        var temporary = name + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            engine.WriteSnapshot(stream, position.Pack());
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, name, overwrite: true);
        Latest = (position, new FileInfo(name).Length, at);
        foreach (var old in Files().OrderByDescending(f => f.Name, StringComparer.Ordinal).Skip(2))
        {
            old.Delete();
        }
    }

    private IEnumerable<FileInfo> Files() =>
        Directory.Exists(directory) ? new DirectoryInfo(directory).EnumerateFiles("*" + Suffix) : [];
}

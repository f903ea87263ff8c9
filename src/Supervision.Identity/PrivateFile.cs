namespace Supervision.Identity;

/// <summary>Files of credentials' hashes: written whole and moved into place (a reader never sees half a file), owner-only.</summary>
public static class PrivateFile
{
    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/>, readable and writable by the owner only.</summary>
    public static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temporary, path, overwrite: true);
    }
}

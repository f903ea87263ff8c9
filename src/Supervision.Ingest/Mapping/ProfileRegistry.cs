namespace Supervision.Ingest.Mapping;

/// <summary>
/// The mapping profiles of a directory (<c>*.json</c>), loaded at start. A file that refers to an unknown field or
/// unit is refused with a message naming the file and the key, and the others stay in service.
/// </summary>
public sealed class ProfileRegistry
{
    private readonly Dictionary<string, MappingProfile> _profiles = new(StringComparer.Ordinal);

    /// <summary>Loads <paramref name="directory"/>; <paramref name="refuse"/> hears of every file refused.</summary>
    public ProfileRegistry(string directory, Action<string> refuse)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var profile = MappingProfile.TryLoad(file, out var problems);
            if (profile is null)
            {
                refuse($"mapping profile {file} refused: {string.Join("; ", problems)}");
            }
            else if (!_profiles.TryAdd(profile.Name, profile))
            {
                refuse($"mapping profile {file} refused: another file already defines profile '{profile.Name}'");
            }
        }
    }

    /// <summary>Names of the profiles in service.</summary>
    public IReadOnlyCollection<string> Names => _profiles.Keys;

    /// <summary>The profile called <paramref name="name"/>, or null.</summary>
    public MappingProfile? Find(string name) => _profiles.GetValueOrDefault(name);
}

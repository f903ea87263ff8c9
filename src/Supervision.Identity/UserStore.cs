using System.Text.Json;

namespace Supervision.Identity;

/// <summary>
/// The built-in user store: a JSON array of <see cref="UserAccount"/> in a file (<c>users.json</c> in the data
/// directory) that <c>supervision users add|list|disable</c> edits and the server re-reads when it changes, plus
/// accounts that live only in memory (the demo users). Names compare without case, so "Admin" and "admin" are one user.
/// </summary>
public sealed class UserStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, UserAccount> _inMemory = new(StringComparer.OrdinalIgnoreCase);
    private Dictionary<string, UserAccount> _fromFile;
    private DateTime _loadedStamp;
    private long _loadedLength;

    /// <summary>A store over <paramref name="path"/>; throws <see cref="InvalidDataException"/> naming the file and entry when it is malformed.</summary>
    public UserStore(string path)
    {
        _path = path;
        (_loadedStamp, _loadedLength) = Stamp(path);
        _fromFile = Load(path);
    }

    /// <summary>The users file.</summary>
    public string Path => _path;

    /// <summary>Adds an account that lives only in memory (the demo users); it shadows a file account of the same name.</summary>
    public void AddInMemory(UserAccount account)
    {
        if (account.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(account));
        }
        lock (_lock)
        {
            _inMemory[account.Name] = account;
        }
    }

    /// <summary>The account named <paramref name="name"/>, or null.</summary>
    public UserAccount? Find(string name)
    {
        lock (_lock)
        {
            return _inMemory.GetValueOrDefault(name) ?? _fromFile.GetValueOrDefault(name);
        }
    }

    /// <summary>Every account, file and memory, by name.</summary>
    public IReadOnlyList<UserAccount> All()
    {
        lock (_lock)
        {
            return [.. _fromFile.Values.Where(u => !_inMemory.ContainsKey(u.Name)).Concat(_inMemory.Values).OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase)];
        }
    }

    /// <summary>
    /// Re-reads the file if it changed on disk and returns what changed, each as (before, after) with null for an
    /// account that did not exist on that side. A file broken while the server runs keeps the accounts read before
    /// and returns the problem instead.
    /// </summary>
    public (IReadOnlyList<(UserAccount? Before, UserAccount? After)> Changes, string? Problem) Refresh()
    {
        var stamp = Stamp(_path);
        lock (_lock)
        {
            if (stamp == (_loadedStamp, _loadedLength))
            {
                return ([], null);
            }
            Dictionary<string, UserAccount> loaded;
            try
            {
                loaded = Load(_path);
            }
            catch (InvalidDataException e)
            {
                return ([], e.Message);
            }
            (_loadedStamp, _loadedLength) = stamp;
            var changes = new List<(UserAccount?, UserAccount?)>();
            foreach (var (name, before) in _fromFile)
            {
                var after = loaded.GetValueOrDefault(name);
                if (after != before)
                {
                    changes.Add((before, after));
                }
            }
            foreach (var (name, after) in loaded)
            {
                if (!_fromFile.ContainsKey(name))
                {
                    changes.Add((null, after));
                }
            }
            _fromFile = loaded;
            return (changes, null);
        }
    }

    /// <summary>The accounts in the file at <paramref name="path"/> (none when it does not exist).</summary>
    public static List<UserAccount> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        try
        {
            return JsonSerializer.Deserialize<List<UserAccount>>(File.ReadAllText(path), Json) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a JSON array of users: {e.Message}", e);
        }
    }

    /// <summary>Adds <paramref name="account"/> to the file at <paramref name="path"/> (created if missing); throws <see cref="InvalidOperationException"/> when the name is taken.</summary>
    public static void Add(string path, UserAccount account)
    {
        if (account.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(account));
        }
        var accounts = Read(path);
        if (accounts.Any(a => string.Equals(a.Name, account.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"user '{account.Name}' already exists in {path}");
        }
        accounts.Add(account);
        Write(path, accounts);
    }

    /// <summary>Replaces the account named <paramref name="name"/> in the file by <paramref name="change"/>'s result; throws <see cref="InvalidOperationException"/> when there is none.</summary>
    public static UserAccount Update(string path, string name, Func<UserAccount, UserAccount> change)
    {
        var accounts = Read(path);
        var index = accounts.FindIndex(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            throw new InvalidOperationException($"no user '{name}' in {path}");
        }
        var changed = change(accounts[index]);
        if (changed.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(change));
        }
        accounts[index] = changed;
        Write(path, accounts);
        return changed;
    }

    private static void Write(string path, List<UserAccount> accounts) => PrivateFile.Write(path, JsonSerializer.Serialize(accounts, Json));

    private static Dictionary<string, UserAccount> Load(string path)
    {
        var accounts = new Dictionary<string, UserAccount>(StringComparer.OrdinalIgnoreCase);
        var entries = Read(path);
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Validate() is { } problem)
            {
                throw new InvalidDataException($"{path}: user {i}: {problem}");
            }
            if (!accounts.TryAdd(entries[i].Name, entries[i]))
            {
                throw new InvalidDataException($"{path}: user {i}: name '{entries[i].Name}' appears twice");
            }
        }
        return accounts;
    }

    // Time and length: a rewrite within the file system's timestamp resolution still changes one of them in practice.
    private static (DateTime, long) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }
}

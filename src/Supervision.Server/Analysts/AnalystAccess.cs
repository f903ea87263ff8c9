using System.Security.Cryptography;
using System.Text;
using Supervision.Server.Configuration;

namespace Supervision.Server.Analysts;

/// <summary>Who is asking: the analyst key's name and role.</summary>
/// <param name="Name">The key's name, or <c>anonymous</c>.</param>
/// <param name="Role"><c>public</c> (no key), <c>analyst</c>, or <c>supervisor</c>.</param>
public sealed record AnalystCaller(string Name, string Role)
{
    public const string Public = "public";
    public const string Analyst = "analyst";
    public const string Supervisor = "supervisor";

    /// <summary>Only supervisors see personal information unmasked and read the audit trail.</summary>
    public bool IsPrivileged => Role == Supervisor;
}

/// <summary>One configured analyst key (<c>Analysts:Keys:N</c>).</summary>
public sealed class AnalystKey
{
    public string Name { get; set; } = "";

    /// <summary>The key in plain text (at least 16 characters); or leave it empty and give <see cref="KeySha256"/>.</summary>
    public string Key { get; set; } = "";

    /// <summary>The SHA-256 of the key's UTF-8 bytes, 64 hexadecimal digits, so configuration need not hold the key.</summary>
    public string KeySha256 { get; set; } = "";

    public string Role { get; set; } = AnalystCaller.Analyst;

    /// <summary>The SHA-256 the presented key must match.</summary>
    public byte[] Digest() => Key.Length > 0 ? SHA256.HashData(Encoding.UTF8.GetBytes(Key)) : Convert.FromHexString(KeySha256);
}

/// <summary>The <c>Analysts</c> configuration section.</summary>
public sealed class AnalystOptions
{
    public const string Section = "Analysts";

    public List<AnalystKey> Keys { get; set; } = [];

    /// <summary>Every problem, each naming its key.</summary>
    public IEnumerable<string> Validate()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Keys.Count; i++)
        {
            var k = Keys[i];
            if (string.IsNullOrWhiteSpace(k.Name) || !names.Add(k.Name))
            {
                yield return $"Analysts:Keys:{i}:Name must be a unique, non-empty name";
            }
            if (k.Key.Length > 0 == k.KeySha256.Length > 0)
            {
                yield return $"Analysts:Keys:{i} needs exactly one of Key and KeySha256";
            }
            else if (k.Key.Length > 0 && k.Key.Length < 16)
            {
                yield return $"Analysts:Keys:{i}:Key must be at least 16 characters";
            }
            else if (k.KeySha256.Length > 0 && (k.KeySha256.Length != 64 || !k.KeySha256.All(char.IsAsciiHexDigit)))
            {
                yield return $"Analysts:Keys:{i}:KeySha256 must be 64 hexadecimal digits (the SHA-256 of the key)";
            }
            if (k.Role is not (AnalystCaller.Analyst or AnalystCaller.Supervisor))
            {
                yield return $"Analysts:Keys:{i}:Role '{k.Role}' must be 'analyst' or 'supervisor'";
            }
        }
    }
}

/// <summary>
/// The privilege mechanism: a caller presents <c>X-Analyst-Key</c>; configured keys map to a name and a role.
/// No key is the <c>public</c> role; an unknown key is refused (401). Only SHA-256 digests of the keys are kept,
/// and they are compared in constant time.
/// </summary>
public sealed class AnalystAccess(AnalystOptions options)
{
    public const string Header = "X-Analyst-Key";
    private readonly (byte[] Digest, AnalystCaller Caller)[] _keys =
        [.. options.Keys.Select(k => (k.Digest(), new AnalystCaller(k.Name, k.Role)))];

    /// <summary>The caller of <paramref name="request"/>, or null when the key is unknown.</summary>
    public AnalystCaller? Identify(HttpRequest request)
    {
        var presented = request.Headers[Header].ToString();
        if (presented.Length == 0)
        {
            return new AnalystCaller("anonymous", AnalystCaller.Public);
        }
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        AnalystCaller? found = null;
        foreach (var (key, caller) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(key, digest))
            {
                found = caller;
            }
        }
        return found;
    }
}

/// <summary>Registers analyst access.</summary>
public static class AnalystRegistration
{
    /// <summary>Binds and validates <c>Analysts</c>; bad keys stop start-up naming the key.</summary>
    public static WebApplicationBuilder AddSupervisionAnalysts(this WebApplicationBuilder builder)
    {
        AnalystOptions options;
        try
        {
            options = builder.Configuration.GetSection(AnalystOptions.Section).Get<AnalystOptions>() ?? new();
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException(e.Message, e);
        }
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ConfigurationException(string.Join("; ", problems));
        }
        builder.Services.AddSingleton(new AnalystAccess(options));
        return builder;
    }
}

using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Supervision.Identity;

/// <summary>
/// Password hashes: ASP.NET Core Identity's format (version 3: PBKDF2 with HMAC-SHA512, 100,000 iterations, a 128-bit
/// random salt per hash), so a stolen users file costs an attacker that much work per guess and per user.
/// </summary>
public static class Passwords
{
    /// <summary>The shortest password <c>supervision users add</c> accepts (demo users are made in code).</summary>
    public const int MinimumLength = 12;

    private static readonly PasswordHasher<UserAccount> Hasher = new();

    // Verified against when the user name is unknown, so an unknown name costs the same time as a wrong password.
    private static readonly Lazy<string> Decoy = new(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    /// <summary>A new salted hash of <paramref name="password"/>.</summary>
    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    /// <summary>True when <paramref name="password"/> matches <paramref name="hash"/>; a malformed hash never matches.</summary>
    public static bool Verify(string hash, string password)
    {
        try
        {
            return Hasher.VerifyHashedPassword(null!, hash, password) != PasswordVerificationResult.Failed;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Spends the time of one verification and returns false: the answer for a user name nobody has.</summary>
    public static bool VerifyNobody(string password)
    {
        Verify(Decoy.Value, password);
        return false;
    }

    /// <summary>A random password of 20 characters for <c>supervision users add</c> when none is given.</summary>
    public static string Generate() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');
}

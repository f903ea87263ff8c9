namespace Supervision.Identity;

/// <summary>
/// The names that every part of people's access agrees on: the roles and the claims a person's token carries.
/// They live here, in one file, so the server's policies, the user store, the token issuer, the external provider's
/// claim mapping, the CLI and the tests cannot drift apart.
/// </summary>
public static class Access
{
    /// <summary>Roles, the values of the <see cref="Claims.Role"/> claim (DESIGN.md "What it is").</summary>
    public static class Roles
    {
        /// <summary>Works the alerts of a jurisdiction and carries out inspections.</summary>
        public const string Inspector = "inspector";

        /// <summary>Queries historical risk within a jurisdiction.</summary>
        public const string Analyst = "analyst";

        /// <summary>Oversees a jurisdiction: escalations, unmasked personal data, the audit trail, objections.</summary>
        public const string Supervisor = "supervisor";

        /// <summary>Manages users, keys, models and rules; sees no supervision data by that role alone.</summary>
        public const string Admin = "admin";

        /// <summary>A reporting enterprise's person: its own alerts, grade, reasons and inspection results only.</summary>
        public const string Enterprise = "enterprise";

        /// <summary>A partner agency: reads within a jurisdiction, sectors and a declared purpose, always masked, every read audited.</summary>
        public const string Agency = "agency";

        /// <summary>Anyone without a token. Never carried by a token; named so tables and audit records can say it.</summary>
        public const string Public = "public";

        /// <summary>Every role a person's account or token may carry (not <see cref="Public"/>).</summary>
        public static IReadOnlyList<string> All { get; } = [Inspector, Analyst, Supervisor, Admin, Enterprise, Agency];

        /// <summary>True for a role a token or account may carry.</summary>
        public static bool IsKnown(string? role) => role is Inspector or Analyst or Supervisor or Admin or Enterprise or Agency;

        /// <summary>Roles bound to a jurisdiction prefix (and optionally sectors): they must carry <see cref="Claims.Jurisdiction"/>.</summary>
        public static bool HasJurisdiction(string? role) => role is Inspector or Analyst or Supervisor or Agency;

        /// <summary>Only supervisors see personal information unmasked.</summary>
        public static bool SeesPersonalData(string? role) => role is Supervisor;
    }

    /// <summary>Claim names of a person's token (local or, after mapping, from an external provider).</summary>
    public static class Claims
    {
        /// <summary>The user name.</summary>
        public const string Subject = "sub";

        /// <summary>One of <see cref="Roles"/>.</summary>
        public const string Role = "role";

        /// <summary>A GB/T 2260 prefix of 2, 4 or 6 digits; empty means the whole country. Absent means no jurisdiction at all.</summary>
        public const string Jurisdiction = "jurisdiction";

        /// <summary>One claim per sector the person is bound to (<c>food</c>, <c>drug</c>, <c>agri</c>, <c>equipment</c>); none means every sector.</summary>
        public const string Sector = "sector";

        /// <summary>The USCC an <see cref="Roles.Enterprise"/> person speaks for.</summary>
        public const string Enterprise = "enterprise";

        /// <summary>An <see cref="Roles.Agency"/> person's declared purpose, written to the audit trail with every read.</summary>
        public const string Purpose = "purpose";

        /// <summary>The sign-in session a local token belongs to (revoking it ends every token of the session).</summary>
        public const string Session = "sid";

        /// <summary>A personal access token's id, on requests it authenticates.</summary>
        public const string PersonalToken = "pat";
    }
}

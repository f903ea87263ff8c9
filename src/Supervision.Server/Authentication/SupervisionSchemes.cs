namespace Supervision.Server.Authentication;

/// <summary>The authentication schemes; <see cref="People"/> picks one of the people's schemes per request.</summary>
public static class SupervisionSchemes
{
    /// <summary>The default: forwards to <see cref="Local"/>, <see cref="External"/> or <see cref="PersonalToken"/> by the token presented.</summary>
    public const string People = "people";

    /// <summary>Access tokens issued by this server (<c>POST /api/v1/auth/token</c>).</summary>
    public const string Local = "local";

    /// <summary>Access tokens of the external OpenID Connect provider, when one is configured.</summary>
    public const string External = "external";

    /// <summary>Personal access tokens (<c>spat_...</c>) for scripts.</summary>
    public const string PersonalToken = "personal-token";

    /// <summary>Reporting API keys (<c>sk_...</c>) of enterprises and platforms.</summary>
    public const string ReportingKey = "reporting-key";
}

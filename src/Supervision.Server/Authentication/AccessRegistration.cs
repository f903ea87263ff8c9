using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.JsonWebTokens;
using Supervision.Identity;
using Supervision.Server.Auditing;
using Supervision.Server.Authorization;
using Supervision.Server.Configuration;
using Supervision.Server.Security;

namespace Supervision.Server.Authentication;

/// <summary>Registers who may sign in and how (DESIGN.md "Who may do what"): schemes, stores, policies, audit.</summary>
public static class AccessRegistration
{
    /// <summary>
    /// People: local tokens from the built-in user store, tokens of the external provider when configured, personal
    /// access tokens; machines: reporting API keys. Then the policies of <see cref="Policies"/>.
    /// </summary>
    public static WebApplicationBuilder AddSupervisionAccess(this WebApplicationBuilder builder, SupervisionOptions options)
    {
        var services = builder.Services;
        var auth = options.Auth;
        var clock = services.Select(d => d.ImplementationInstance).OfType<TimeProvider>().FirstOrDefault() ?? TimeProvider.System;
        UserStore users;
        PersonalTokenStore tokens;
        try
        {
            users = new UserStore(options.ResolvedUsersFile);
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationException("Supervision:Auth:UsersFile: " + e.Message, e);
        }
        try
        {
            tokens = new PersonalTokenStore(options.ResolvedPersonalTokensFile, clock);
        }
        catch (InvalidDataException e)
        {
            throw new ConfigurationException("Supervision:Auth:PersonalTokensFile: " + e.Message, e);
        }
        if (options.Demo.Enabled)
        {
            foreach (var user in DemoUsers.Create())
            {
                users.AddInMemory(user);
            }
        }
        services.AddSingleton(users);
        services.AddSingleton(tokens);
        services.AddSingleton(sp => new LocalTokens(sp.GetRequiredService<TimeProvider>(), auth.AccessTokenLifetime));
        services.AddSingleton(sp => new SessionStore(sp.GetRequiredService<TimeProvider>(), auth.SessionLifetime));
        services.AddSingleton(sp => new SignInLockout(sp.GetRequiredService<TimeProvider>(), auth.MaxFailedSignIns, auth.LockoutDuration));
        services.AddSingleton<LiveConnections>();
        services.AddSingleton<AuditTrail>();
        services.AddHostedService<AccountWatchService>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();

        var external = auth.External;
        var schemes = services.AddAuthentication(SupervisionSchemes.People)
            .AddPolicyScheme(SupervisionSchemes.People, "People", o => o.ForwardDefaultSelector = http => Select(http.Request, external.Enabled))
            .AddJwtBearer(SupervisionSchemes.Local, o =>
            {
                o.MapInboundClaims = false;
                o.Events = new JwtBearerEvents
                {
                    OnMessageReceived = BearerEvents.TakeHubToken,
                    OnTokenValidated = BearerEvents.CheckSession,
                    OnChallenge = BearerEvents.Challenge,
                };
            })
            .AddScheme<AuthenticationSchemeOptions, PersonalTokenHandler>(SupervisionSchemes.PersonalToken, null)
            .AddScheme<AuthenticationSchemeOptions, ReportingKeyHandler>(SupervisionSchemes.ReportingKey, null);
        // The signing key is a service (made at start), so the local scheme's validation is set once it exists.
        services.AddOptions<JwtBearerOptions>(SupervisionSchemes.Local).Configure<LocalTokens>((o, local) => o.TokenValidationParameters = local.Validation);
        if (external.Enabled)
        {
            schemes.AddJwtBearer(SupervisionSchemes.External, o =>
            {
                o.Authority = external.Authority;
                o.Audience = external.Audience;
                o.RequireHttpsMetadata = external.RequireHttpsMetadata;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.ValidAudience = external.Audience;
                o.TokenValidationParameters.NameClaimType = external.NameClaim;
                o.TokenValidationParameters.RoleClaimType = external.RoleClaim;
                o.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
                o.Events = new JwtBearerEvents
                {
                    OnMessageReceived = BearerEvents.TakeHubToken,
                    OnTokenValidated = context => ExternalClaims.Map(context, external),
                    OnChallenge = BearerEvents.Challenge,
                };
            });
        }
        services.AddAuthorization(o => Policies.Add(o, auth.Enabled));
        return builder;
    }

    // Personal access tokens and reporting keys by their prefixes; a JWT by its issuer. Only the issuer is peeked at
    // here: the chosen scheme validates everything.
    private static string Select(HttpRequest request, bool externalEnabled)
    {
        var token = BearerToken.Of(request);
        if (token is null)
        {
            return request.Headers.ContainsKey("X-Api-Key") ? SupervisionSchemes.ReportingKey : SupervisionSchemes.Local;
        }
        if (token.StartsWith(BearerToken.PersonalTokenPrefix, StringComparison.Ordinal))
        {
            return SupervisionSchemes.PersonalToken;
        }
        if (token.StartsWith("sk_", StringComparison.Ordinal))
        {
            return SupervisionSchemes.ReportingKey;
        }
        if (externalEnabled)
        {
            try
            {
                if (new JsonWebToken(token).Issuer != LocalTokens.Issuer)
                {
                    return SupervisionSchemes.External;
                }
            }
            catch (ArgumentException)
            {
            }
        }
        return SupervisionSchemes.Local;
    }
}

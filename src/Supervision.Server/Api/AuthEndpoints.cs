using System.Globalization;
using System.Text.Json;
using Supervision.Identity;
using Supervision.Server.Auditing;
using Supervision.Server.Authentication;
using Supervision.Server.Authorization;
using Supervision.Server.Configuration;

namespace Supervision.Server.Api;

/// <summary>
/// Signing in and out, and personal access tokens, under <c>/api/v1/auth</c>. The token endpoint speaks OAuth 2.0's
/// password and refresh-token grants (form or JSON body) and answers in its field names.
/// </summary>
public static class AuthEndpoints
{
    private static readonly TimeSpan DefaultPersonalTokenLifetime = TimeSpan.FromDays(90);

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth");
        auth.MapPost("/token", IssueAsync).AllowAnonymous();
        auth.MapPost("/sign-out", SignOutAsync).RequireAuthorization(Policies.SignedIn);
        auth.MapGet("/me", (CallerScope caller, HttpContext http) => Results.Ok(Describe(caller, http.User.Identity?.AuthenticationType))).RequireAuthorization(Policies.SignedIn);

        var tokens = auth.MapGroup("/tokens").RequireAuthorization(Policies.PersonalTokens);
        tokens.MapGet("", (CallerScope caller, PersonalTokenStore store) => Results.Ok(store.Of(caller.Name).Select(Public)));
        tokens.MapPost("", CreateTokenAsync).AuditEveryCall();
        tokens.MapDelete("/{id}", (string id, CallerScope caller, PersonalTokenStore store, LiveConnections connections) =>
        {
            if (store.Revoke(caller.Name, id) is not { } revoked)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such token", detail: $"you have no personal access token {id}");
            }
            connections.AbortPersonalToken(revoked.Id);
            return Results.NoContent();
        }).AuditEveryCall();
        return app;
    }

    private static async Task<IResult> IssueAsync(HttpContext http, UserStore users, SessionStore sessions, LocalTokens tokens, SignInLockout lockout, AuditTrail audit)
    {
        var (fields, unreadable) = await ReadFieldsAsync(http.Request);
        if (unreadable is not null)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unreadable body", detail: unreadable);
        }
        return fields.GetValueOrDefault("grant_type") switch
        {
            "password" => await SignInAsync(http, fields, users, sessions, tokens, lockout, audit),
            "refresh_token" => await RefreshAsync(fields, users, sessions, tokens, audit, http.RequestAborted),
            var other => Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["grant_type"] = [other is null ? "is required: password or refresh_token" : $"'{other}' must be password or refresh_token"],
            }, title: "Invalid token request"),
        };
    }

    private static async Task<IResult> SignInAsync(HttpContext http, Dictionary<string, string> fields, UserStore users, SessionStore sessions, LocalTokens tokens, SignInLockout lockout, AuditTrail audit)
    {
        var errors = new Dictionary<string, string[]>();
        if (!fields.TryGetValue("username", out var name) || name.Length is 0 or > 64)
        {
            errors["username"] = ["is required (at most 64 characters)"];
        }
        if (!fields.TryGetValue("password", out var password) || password.Length is 0 or > 1024)
        {
            errors["password"] = ["is required (at most 1024 characters)"];
        }
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "Invalid token request");
        }
        var cancellation = http.RequestAborted;
        if (lockout.LockedFor(name!) is { } locked)
        {
            await audit.RecordAsync(name!, Access.Roles.Public, "sign-in refused: locked out", 0, true, cancellation);
            return LockedOut(http, locked);
        }
        var user = users.Find(name!);
        // An unknown name costs the time of a wrong password, so timing does not tell which names exist.
        var verified = user is null ? Passwords.VerifyNobody(password!) : Passwords.Verify(user.PasswordHash, password!);
        if (!verified)
        {
            var nowLocked = lockout.Fail(name!);
            await audit.RecordAsync(name!, user?.Role ?? Access.Roles.Public,
                "sign-in failed: wrong user name or password" + (nowLocked is null ? "" : "; locked out"), 0, true, cancellation);
            return nowLocked is { } duration
                ? LockedOut(http, duration)
                : Refuse(http, "the user name or password is wrong");
        }
        if (user!.Disabled)
        {
            await audit.RecordAsync(user.Name, user.Role, "sign-in refused: account disabled", 0, true, cancellation);
            return Refuse(http, "this account is disabled");
        }
        lockout.Succeed(user.Name);
        var (session, refresh) = sessions.Start(user);
        var (access, expires) = tokens.Issue(user, session.Id);
        await audit.RecordAsync(user.Name, user.Role, $"signed in; session {session.Id}, access token until {expires:u}", 0, false, cancellation);
        return TokenResponse(access, expires, refresh, session, user, tokens);
    }

    private static async Task<IResult> RefreshAsync(Dictionary<string, string> fields, UserStore users, SessionStore sessions, LocalTokens tokens, AuditTrail audit, CancellationToken cancellation)
    {
        if (!fields.TryGetValue("refresh_token", out var presented) || presented.Length is 0 or > 256)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["refresh_token"] = ["is required"] }, title: "Invalid token request");
        }
        var (outcome, session, next) = sessions.Refresh(presented);
        switch (outcome)
        {
            case SessionStore.RefreshOutcome.Unknown:
                return Refuse(null, "the refresh token is not known (its session ended: signed out, expired or revoked); sign in again");
            case SessionStore.RefreshOutcome.Expired:
                return Refuse(null, $"the session ended at {session!.ExpiresAt:u}; sign in again");
            case SessionStore.RefreshOutcome.Reused:
                await audit.RecordAsync(session!.User, session.Role, $"refresh token used twice; session {session.Id} ended", 0, true, cancellation);
                return Refuse(null, "this refresh token was already used, so the session was ended in case someone else holds it; sign in again");
        }
        var user = users.Find(session!.User);
        if (sessions.Check(session, user) is { } refusal)
        {
            return Refuse(null, refusal);
        }
        var (access, expires) = tokens.Issue(user!, session.Id);
        await audit.RecordAsync(user!.Name, user.Role, $"access token refreshed; session {session.Id}, until {expires:u}", 0, false, cancellation);
        return TokenResponse(access, expires, next!, session, user, tokens);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, CallerScope caller, SessionStore sessions, AuditTrail audit)
    {
        if (http.User.FindFirst(Access.Claims.Session)?.Value is { } session && sessions.End(session))
        {
            await audit.RecordAsync(caller.Name, caller.Role, $"signed out; session {session} ended", 0, false, http.RequestAborted);
        }
        return Results.NoContent();
    }

    private static async Task<IResult> CreateTokenAsync(HttpContext http, CallerScope caller, PersonalTokenStore store, SupervisionOptions options)
    {
        var (fields, unreadable) = await ReadFieldsAsync(http.Request);
        if (unreadable is not null)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unreadable body", detail: unreadable);
        }
        var errors = new Dictionary<string, string[]>();
        var name = fields.GetValueOrDefault("name") ?? "";
        if (name.Length is 0 or > 100)
        {
            errors["name"] = ["is required: what the token is for, at most 100 characters"];
        }
        var maxDays = (int)options.Auth.MaxPersonalTokenLifetime.TotalDays;
        var lifetime = DefaultPersonalTokenLifetime < options.Auth.MaxPersonalTokenLifetime ? DefaultPersonalTokenLifetime : options.Auth.MaxPersonalTokenLifetime;
        if (fields.TryGetValue("expiresInDays", out var days))
        {
            if (int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= maxDays)
            {
                lifetime = TimeSpan.FromDays(n);
            }
            else
            {
                errors["expiresInDays"] = [$"'{days}' must be a whole number of days from 1 to {maxDays}"];
            }
        }
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "Invalid personal access token request");
        }
        var external = http.User.Identity?.AuthenticationType == SupervisionSchemes.External;
        var (record, token) = store.Create(caller, external, name, lifetime);
        return Results.Json(new { id = record.Id, name = record.Name, token, createdAt = record.CreatedAt, expiresAt = record.ExpiresAt }, statusCode: StatusCodes.Status201Created);
    }

    private static object Public(PersonalToken t) =>
        new { id = t.Id, name = t.Name, createdAt = t.CreatedAt, expiresAt = t.ExpiresAt, revokedAt = t.RevokedAt };

    private static object Describe(CallerScope caller, string? via) => new
    {
        name = caller.Name,
        role = caller.Role,
        jurisdiction = caller.Jurisdiction,
        sectors = caller.Sectors.Select(s => Domain.Reports.Sectors.Name(s)),
        enterprise = caller.Enterprise,
        purpose = caller.Purpose,
        masked = caller.Masked,
        via,
    };

    private static IResult TokenResponse(string access, DateTimeOffset expires, string refresh, SessionStore.Session session, UserAccount user, LocalTokens tokens) =>
        Results.Json(new Dictionary<string, object?>
        {
            ["access_token"] = access,
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)tokens.Lifetime.TotalSeconds,
            ["expires_at"] = expires,
            ["refresh_token"] = refresh,
            ["session_expires_at"] = session.ExpiresAt,
            ["user"] = Describe(CallerScope.Of(user), SupervisionSchemes.Local),
        });

    private static IResult Refuse(HttpContext? http, string detail)
    {
        http?.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);
    }

    private static IResult LockedOut(HttpContext http, TimeSpan locked)
    {
        var seconds = (int)Math.Ceiling(locked.TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Locked out",
            detail: $"too many failed sign-ins for this user name; try again in {seconds} s");
    }

    // OAuth 2.0 clients send forms; scripts often send JSON. Either gives flat string fields.
    private static async Task<(Dictionary<string, string> Fields, string? Problem)> ReadFieldsAsync(HttpRequest request)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            }
            catch (InvalidDataException e)
            {
                return (fields, "the form cannot be read: " + e.Message);
            }
            foreach (var (key, value) in form)
            {
                fields[key] = value.ToString();
            }
            return (fields, null);
        }
        if (request.HasJsonContentType())
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return (fields, "the body must be a JSON object");
                }
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    fields[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString()!,
                        JsonValueKind.Number => property.Value.GetRawText(),
                        _ => "",
                    };
                }
                return (fields, null);
            }
            catch (JsonException e)
            {
                return (fields, "the body is not JSON: " + e.Message);
            }
        }
        return (fields, "send application/x-www-form-urlencoded or application/json");
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Supervision.Identity;
using Supervision.Server.Authentication;

namespace Supervision.Server.Tests.Authentication;

/// <summary>Signing in, tokens and their refusal, revocation and lockout, on the real server.</summary>
[Category("Integration")]
public class SignInTests
{
    private SupervisionServer _server = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void StartServer()
    {
        _server = new SupervisionServer(new Dictionary<string, string?>
        {
            ["Supervision:Auth:MaxFailedSignIns"] = "3",
            ["Supervision:Auth:LockoutDuration"] = "00:10:00",
        });
        _client = _server.NewClient();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _client.Dispose();
        _server.Dispose();
    }

    private async Task<(HttpStatusCode Status, string Detail)> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var detail = body.Length > 0 && JsonDocument.Parse(body).RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("detail", out var d) ? d.GetString()! : "";
        return (response.StatusCode, detail);
    }

    private async Task<HttpResponseMessage> TokenAsync(Dictionary<string, string> form) =>
        await _client.PostAsync("/api/v1/auth/token", new FormUrlEncodedContent(form));

    // A token signed as the server signs, with any claims and times: for expiry and audience.
    private string Mint(JsonElement signIn, Action<SecurityTokenDescriptor> change, SecurityKey? key = null)
    {
        var real = new JsonWebToken(signIn.GetProperty("access_token").GetString()!);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = LocalTokens.Issuer,
            Audience = LocalTokens.Audience,
            IssuedAt = DateTime.UtcNow.AddHours(-2),
            NotBefore = DateTime.UtcNow.AddHours(-2),
            Expires = DateTime.UtcNow.AddHours(1),
            Subject = new ClaimsIdentity(real.Claims.Where(c => c.Type is not ("exp" or "nbf" or "iat" or "iss" or "aud"))),
            SigningCredentials = new SigningCredentials(key ?? _server.Services.GetRequiredService<LocalTokens>().SigningKey, SecurityAlgorithms.EcdsaSha256),
        };
        change(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    [Test]
    public async Task Token_Valid_AnswersWhoIAm()
    {
        var signIn = await _server.SignInAsync(TestUsers.Analyst35);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", signIn.GetProperty("access_token").GetString());
        using var response = await _client.SendAsync(request);
        var me = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((me.GetProperty("name").GetString(), me.GetProperty("role").GetString(), me.GetProperty("jurisdiction").GetString(), me.GetProperty("masked").GetBoolean()),
            Is.EqualTo((TestUsers.Analyst35, "analyst", "35", true)));
        Assert.That(signIn.GetProperty("token_type").GetString(), Is.EqualTo("Bearer"));
        Assert.That(signIn.GetProperty("expires_in").GetInt32(), Is.EqualTo(3600));
    }

    [Test]
    public async Task Token_None_Is401SayingHowToSignIn()
    {
        var (status, detail) = await GetAsync("/api/v1/alerts", null);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(detail, Is.EqualTo("no access token: sign in with POST /api/v1/auth/token and send 'Authorization: Bearer <access_token>'"));
    }

    [Test]
    public async Task Token_Expired_Is401SayingItExpired()
    {
        var token = Mint(await _server.SignInAsync(TestUsers.Analyst35), d => d.Expires = DateTime.UtcNow.AddMinutes(-1));
        var (status, detail) = await GetAsync("/api/v1/alerts", token);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(detail, Does.StartWith("the access token expired at "));
    }

    [Test]
    public async Task Token_WrongAudience_Is401()
    {
        var token = Mint(await _server.SignInAsync(TestUsers.Analyst35), d => d.Audience = "some-other-api");
        var (status, detail) = await GetAsync("/api/v1/alerts", token);
        Assert.That((status, detail), Is.EqualTo((HttpStatusCode.Unauthorized, "the access token is for another audience")));
    }

    [Test]
    public async Task Token_SignedWithAnotherKey_Is401()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverKey = (ECDsaSecurityKey)_server.Services.GetRequiredService<LocalTokens>().SigningKey;
        var token = Mint(await _server.SignInAsync(TestUsers.Analyst35), _ => { }, new ECDsaSecurityKey(other) { KeyId = serverKey.KeyId });
        var (status, detail) = await GetAsync("/api/v1/alerts", token);
        Assert.That((status, detail), Is.EqualTo((HttpStatusCode.Unauthorized, "the access token's signature does not verify (it was changed, or signed with another key)")));
    }

    [Test]
    public async Task Token_Tampered_Is401()
    {
        var token = (await _server.SignInAsync(TestUsers.Analyst35)).GetProperty("access_token").GetString()!;
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"analyst\"", "\"supervisor\"", StringComparison.Ordinal);
        var tampered = parts[0] + "." + Base64UrlEncoder.Encode(payload) + "." + parts[2];

        var (status, detail) = await GetAsync("/api/v1/risk/audit", tampered);

        Assert.That((status, detail), Is.EqualTo((HttpStatusCode.Unauthorized, "the access token's signature does not verify (it was changed, or signed with another key)")));
    }

    [Test]
    public async Task Token_AlgNone_Is401()
    {
        var token = (await _server.SignInAsync(TestUsers.Analyst35)).GetProperty("access_token").GetString()!;
        var unsigned = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + token.Split('.')[1] + ".";

        var (status, detail) = await GetAsync("/api/v1/alerts", unsigned);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(detail, Is.AnyOf("the access token is not signed", "the access token is signed with an algorithm this server does not accept", "the access token's signature does not verify (it was changed, or signed with another key)"));
    }

    [Test]
    public async Task Token_Garbage_Is401()
    {
        var (status, detail) = await GetAsync("/api/v1/alerts", "not.a.jwt");
        Assert.That((status, detail), Is.EqualTo((HttpStatusCode.Unauthorized, "the access token is not a well-formed JWT")));
    }

    [Test]
    public async Task SignOut_AccessTokenRefusedAtOnceAndRefreshTokenToo()
    {
        var signIn = await _server.SignInAsync(TestUsers.Analyst35);
        var token = signIn.GetProperty("access_token").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/sign-out");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var signedOut = await _client.SendAsync(request);
        Assert.That(signedOut.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        var (status, detail) = await GetAsync("/api/v1/alerts", token);
        using var refresh = await TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = signIn.GetProperty("refresh_token").GetString()! });

        Assert.That((status, detail), Is.EqualTo((HttpStatusCode.Unauthorized, "the session of this token has ended (signed out, expired or revoked); sign in again")));
        Assert.That(refresh.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Refresh_NewTokensAndUsedRefreshTokenEndsTheSession()
    {
        var signIn = await _server.SignInAsync(TestUsers.Supervisor35);
        var first = signIn.GetProperty("refresh_token").GetString()!;

        using var refreshed = await TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = first });
        Assert.That(refreshed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var renewed = await refreshed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(renewed.GetProperty("refresh_token").GetString(), Is.Not.EqualTo(first));
        var access = renewed.GetProperty("access_token").GetString()!;
        Assert.That((await GetAsync("/api/v1/risk/audit", access)).Status, Is.EqualTo(HttpStatusCode.OK));

        using var reused = await TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = first });

        Assert.That(reused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await reused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), Does.StartWith("this refresh token was already used"));
        Assert.That((await GetAsync("/api/v1/risk/audit", access)).Status, Is.EqualTo(HttpStatusCode.Unauthorized), "the whole session ended");
    }

    [Test]
    public async Task SignIn_WrongPasswords_LockOutWithRetryAfterEvenForTheRightOne()
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "password", ["username"] = TestUsers.Inspector3501, ["password"] = "wrong" };
        using var first = await TokenAsync(form);
        using var second = await TokenAsync(form);
        using var third = await TokenAsync(form);
        using var right = await TokenAsync(new(form) { ["password"] = TestUsers.Password });

        Assert.That((first.StatusCode, second.StatusCode, third.StatusCode, right.StatusCode),
            Is.EqualTo((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests)));
        Assert.That(third.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromMinutes(10)));
        Assert.That(right.Headers.RetryAfter?.Delta?.TotalSeconds, Is.InRange(1, 600));
        Assert.That((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), Is.EqualTo("the user name or password is wrong"));
    }

    [Test]
    public async Task SignIn_UnknownUser_SameAnswerAsWrongPassword()
    {
        using var unknown = await TokenAsync(new() { ["grant_type"] = "password", ["username"] = "nobody-here", ["password"] = "x" });
        using var wrong = await TokenAsync(new() { ["grant_type"] = "password", ["username"] = TestUsers.Admin, ["password"] = "x" });
        static async Task<string> Detail(HttpResponseMessage r) => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.That((unknown.StatusCode, await Detail(unknown)), Is.EqualTo((wrong.StatusCode, await Detail(wrong))));
    }

    [TestCase("grant_type=password&username=admin", "password")]
    [TestCase("grant_type=magic", "grant_type")]
    [TestCase("username=admin&password=x", "grant_type")]
    public async Task SignIn_BadRequest_Is400NamingTheField(string form, string field)
    {
        using var response = await _client.PostAsync("/api/v1/auth/token", new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name), Does.Contain(field));
    }

    [Test]
    public async Task SignIn_Json_WorksLikeTheForm()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/auth/token", new { grant_type = "password", username = TestUsers.Admin, password = TestUsers.Password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task DisableUser_TokensAndHubConnectionEndWithinSeconds()
    {
        var token = (await _server.SignInAsync(TestUsers.Agency35Food)).GetProperty("access_token").GetString()!;
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_server.BaseAddress, "/hubs/alerts"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await hub.StartAsync();
        Assert.That((await GetAsync("/api/v1/alerts", token)).Status, Is.EqualTo(HttpStatusCode.OK));

        UserStore.Update(Path.Combine(_server.DataDirectory, "users.json"), TestUsers.Agency35Food, u => u with { Disabled = true });

        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var (status, _) = await GetAsync("/api/v1/alerts", token);
        using var signIn = await TokenAsync(new() { ["grant_type"] = "password", ["username"] = TestUsers.Agency35Food, ["password"] = TestUsers.Password });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), Is.EqualTo("this account is disabled"));
    }

    [Test]
    public async Task PersonalToken_CreateUseListRevoke()
    {
        using var analyst = await _server.ClientAsync(TestUsers.Analyst35);
        using var created = await analyst.PostAsJsonAsync("/api/v1/auth/tokens", new { name = "nightly export", expiresInDays = 30 });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var pat = body.GetProperty("token").GetString()!;
        var id = body.GetProperty("id").GetString()!;
        Assert.That(pat, Does.StartWith("spat_"));

        Assert.That((await GetAsync("/api/v1/risk/top?region=35", pat)).Status, Is.EqualTo(HttpStatusCode.OK));
        using var minted = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/tokens") { Content = JsonContent.Create(new { name = "from a token" }) };
        minted.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pat);
        using var mintedResponse = await _client.SendAsync(minted);
        Assert.That(mintedResponse.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "a token does not mint tokens");
        var list = await analyst.GetFromJsonAsync<JsonElement>("/api/v1/auth/tokens");
        Assert.That(list.EnumerateArray().Select(t => t.GetProperty("id").GetString()), Does.Contain(id));
        Assert.That(list.ToString(), Does.Not.Contain(pat).And.Not.Contain("hash"));
        Assert.That(File.ReadAllText(Path.Combine(_server.DataDirectory, "personal-tokens.json")), Does.Not.Contain(pat), "only the hash is stored");

        using var revoked = await analyst.DeleteAsync($"/api/v1/auth/tokens/{id}");
        Assert.That(revoked.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var (status, detail) = await GetAsync("/api/v1/risk/top?region=35", pat);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(detail, Does.StartWith($"the personal access token {id} was revoked at "));
    }

    [Test]
    public async Task PersonalToken_OfAnotherUser_CannotBeRevoked()
    {
        using var analyst = await _server.ClientAsync(TestUsers.Analyst35);
        using var created = await analyst.PostAsJsonAsync("/api/v1/auth/tokens", new { name = "mine" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var supervisor = await _server.ClientAsync(TestUsers.Supervisor35);

        using var response = await supervisor.DeleteAsync($"/api/v1/auth/tokens/{id}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task SignIns_SuccessAndFailure_InTheAuditTrail()
    {
        using var failed = await TokenAsync(new() { ["grant_type"] = "password", ["username"] = TestUsers.Supervisor, ["password"] = "wrong" });
        await _server.SignInAsync(TestUsers.Supervisor);
        using var supervisor = await _server.ClientAsync(TestUsers.Supervisor35);

        var queries = await SupervisionServer.EventuallyAsync(async () =>
        {
            var audit = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/risk/audit?caller={TestUsers.Supervisor}&limit=100");
            var items = audit.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("query").GetString()!).ToList();
            return items.Any(q => q.StartsWith("signed in", StringComparison.Ordinal)) && items.Contains("sign-in failed: wrong user name or password") ? items : null;
        }, TimeSpan.FromSeconds(10), "sign-ins in the audit trail");

        Assert.That(queries, Has.Some.Match("^signed in; session s_[0-9a-f]{24}, access token until "));
    }
}

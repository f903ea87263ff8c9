using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Supervision.Server.Tests.Authentication;

/// <summary>
/// An external OpenID Connect provider by configuration: the test serves its own discovery document and JWKS (an RSA
/// key made here) on Kestrel, signs tokens with that key, and the server takes them with the configured claim names.
/// </summary>
[Category("Integration")]
public class ExternalProviderTests
{
    private const string Audience = "supervision-test-api";
    private RSA _key = null!;
    private RsaSecurityKey _signing = null!;
    private WebApplication _provider = null!;
    private string _issuer = null!;
    private SupervisionServer _server = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _key = RSA.Create(2048);
        _signing = new RsaSecurityKey(_key) { KeyId = "test-key-1" };
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _provider = builder.Build();
        _provider.MapGet("/.well-known/openid-configuration", (HttpContext http) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = _issuer,
            ["jwks_uri"] = _issuer + "/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        _provider.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.ExportParameters(false)) { KeyId = _signing.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        await _provider.StartAsync();
        _issuer = _provider.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _server = new SupervisionServer(new Dictionary<string, string?>
        {
            ["Supervision:Auth:External:Authority"] = _issuer,
            ["Supervision:Auth:External:Audience"] = Audience,
            ["Supervision:Auth:External:RequireHttpsMetadata"] = "false",
            ["Supervision:Auth:External:NameClaim"] = "preferred_username",
            ["Supervision:Auth:External:RoleClaim"] = "roles",
            ["Supervision:Auth:External:JurisdictionClaim"] = "division",
        });
        _client = _server.NewClient();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        _server.Dispose();
        await _provider.DisposeAsync();
        _key.Dispose();
    }

    private string Token(Action<Dictionary<string, object>>? change = null, SecurityKey? key = null, string? audience = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["preferred_username"] = "zhang.inspector",
            ["roles"] = new[] { "inspector", "offline_access" },
            ["division"] = "3501",
        };
        change?.Invoke(claims);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = audience ?? Audience,
            Claims = claims,
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(key ?? _signing, SecurityAlgorithms.RsaSha256),
        });
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task ProviderToken_Inspector3501_InsideAllowedOutsideRefused()
    {
        var token = Token();
        Assert.That((await GetAsync("/api/v1/alerts?region=3501", token)).Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await GetAsync("/api/v1/alerts?region=11", token)).Status, Is.EqualTo(HttpStatusCode.Forbidden));
        var me = JsonDocument.Parse((await GetAsync("/api/v1/auth/me", token)).Body).RootElement;
        Assert.That((me.GetProperty("name").GetString(), me.GetProperty("role").GetString(), me.GetProperty("jurisdiction").GetString(), me.GetProperty("via").GetString()),
            Is.EqualTo(("zhang.inspector", "inspector", "3501", "external")));
    }

    [Test]
    public async Task ProviderToken_WrongAudience_Is401()
    {
        var (status, body) = await GetAsync("/api/v1/alerts", Token(audience: "another-api"));
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), Is.EqualTo("the access token is for another audience"));
    }

    [Test]
    public async Task ProviderToken_SignedWithKeyNotInJwks_Is401()
    {
        using var other = RSA.Create(2048);
        var (status, _) = await GetAsync("/api/v1/alerts", Token(key: new RsaSecurityKey(other) { KeyId = "test-key-1" }));
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task ProviderToken_InspectorWithoutJurisdiction_Is401NamingTheClaim()
    {
        var (status, body) = await GetAsync("/api/v1/alerts", Token(c => c.Remove("division")));
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(),
            Is.EqualTo("the identity provider's token cannot be used here: role inspector needs the 'division' claim (a division prefix, empty for the whole country)"));
    }

    [Test]
    public async Task ProviderToken_NoKnownRole_Is401()
    {
        var (status, body) = await GetAsync("/api/v1/alerts", Token(c => c["roles"] = new[] { "offline_access" }));
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), Does.StartWith("the identity provider's token cannot be used here: its 'roles' claim names none of the roles"));
    }

    [Test]
    public async Task LocalSignIn_StillWorksBesideTheProvider()
    {
        using var analyst = await _server.ClientAsync(TestUsers.Analyst35);
        using var response = await analyst.GetAsync("/api/v1/risk/top");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}

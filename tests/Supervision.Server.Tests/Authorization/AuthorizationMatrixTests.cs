using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Supervision.Ingest.Security;
using Supervision.Server.Alerts;

namespace Supervision.Server.Tests.Authorization;

/// <summary>
/// Who may do what, from the application's own endpoint list: every endpoint × every role × inside and outside the
/// jurisdiction gets the status the table below expects, and every hub method likewise. An endpoint or hub method that
/// is not in the table, or declares no policy, fails.
/// </summary>
[Category("Integration")]
public class AuthorizationMatrixTests
{
    private const string Inside = TestUsers.EnterpriseId;       // 350102, food
    private const string Outside = "91110000600037341L";        // 110105, food
    private const string PlatformKey = "sk_test_matrix_platform";
    private const string Public = "public";
    private const string Key = "reporting-key";
    private static readonly string[] People = [TestUsers.Inspector3501, TestUsers.Analyst35, TestUsers.Supervisor35, TestUsers.Admin, TestUsers.Enterprise, TestUsers.Agency35Food];
    private static readonly string[] Roles = [Public, Key, .. People];
    private static readonly string[] Staff = [TestUsers.Inspector3501, TestUsers.Analyst35, TestUsers.Supervisor35, TestUsers.Agency35Food, TestUsers.Enterprise];
    private static readonly string[] Analysts = [TestUsers.Analyst35, TestUsers.Supervisor35, TestUsers.Agency35Food];
    private static readonly string[] AllPeople = People;
    private SupervisionServer _server = null!;
    private string _keysFile = null!;
    private string _insideAlert = null!;
    private string _outsideAlert = null!;

    /// <summary>One row: who may call, what to send inside and outside the caller's scope, and the answers.</summary>
    private sealed record Row(string[] Allowed, Func<string, string> InsidePath, Func<string, string> OutsidePath, HttpStatusCode Ok, HttpStatusCode OutsideStatus, Func<HttpContent?>? Body = null, bool FreshSignIn = false, bool IsPublic = false);

    private static string Region(string role) => role switch
    {
        TestUsers.Inspector3501 => "3501",
        TestUsers.Enterprise => "",
        _ => "35",
    };

    private static string RegionQuery(string role, string prefix = "?") => Region(role) is { Length: > 0 } r ? $"{prefix}region={r}" : "";

    private Dictionary<string, Row> Table() => new(StringComparer.Ordinal)
    {
        ["POST /api/v1/auth/token"] = new(Roles, _ => "/api/v1/auth/token", _ => "/api/v1/auth/token", HttpStatusCode.BadRequest, HttpStatusCode.BadRequest,
            () => new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "none" }), IsPublic: true),
        ["GET /healthz"] = new(Roles, _ => "/healthz", _ => "/healthz", HttpStatusCode.OK, HttpStatusCode.OK, IsPublic: true),
        ["POST /api/v1/auth/sign-out"] = new(AllPeople, _ => "/api/v1/auth/sign-out", _ => "/api/v1/auth/sign-out", HttpStatusCode.NoContent, HttpStatusCode.NoContent, FreshSignIn: true),
        ["GET /api/v1/auth/me"] = new(AllPeople, _ => "/api/v1/auth/me", _ => "/api/v1/auth/me", HttpStatusCode.OK, HttpStatusCode.OK),
        ["GET /api/v1/auth/tokens"] = new(Analysts, _ => "/api/v1/auth/tokens", _ => "/api/v1/auth/tokens", HttpStatusCode.OK, HttpStatusCode.OK),
        ["POST /api/v1/auth/tokens"] = new(Analysts, _ => "/api/v1/auth/tokens", _ => "/api/v1/auth/tokens", HttpStatusCode.Created, HttpStatusCode.Created,
            () => JsonContent.Create(new { name = "matrix" })),
        ["DELETE /api/v1/auth/tokens/{id}"] = new(Analysts, _ => "/api/v1/auth/tokens/pat_000000000000", _ => "/api/v1/auth/tokens/pat_000000000000", HttpStatusCode.NotFound, HttpStatusCode.NotFound),
        ["POST /api/v1/reports"] = new([Key], _ => "/api/v1/reports", _ => "/api/v1/reports", HttpStatusCode.Accepted, HttpStatusCode.Accepted,
            () => new StringContent("", Encoding.UTF8, "application/x-ndjson")),
        ["GET /api/v1/profiles"] = new([Key], _ => "/api/v1/profiles", _ => "/api/v1/profiles", HttpStatusCode.OK, HttpStatusCode.OK),
        ["GET /api/v1/alerts"] = new(Staff, r => "/api/v1/alerts" + RegionQuery(r), _ => "/api/v1/alerts?region=11", HttpStatusCode.OK, HttpStatusCode.Forbidden),
        ["POST /api/v1/alerts/{alertId}/acknowledge"] = new([TestUsers.Inspector3501, TestUsers.Supervisor35],
            _ => $"/api/v1/alerts/{_insideAlert}/acknowledge", _ => $"/api/v1/alerts/{_outsideAlert}/acknowledge", HttpStatusCode.OK, HttpStatusCode.NotFound),
        ["GET /api/v1/enterprises/{id}/risk"] = new(Staff, _ => $"/api/v1/enterprises/{Inside}/risk", _ => $"/api/v1/enterprises/{Outside}/risk", HttpStatusCode.OK, HttpStatusCode.NotFound),
        ["GET /api/v1/risk/trend"] = new(Analysts, r => "/api/v1/risk/trend" + RegionQuery(r), _ => "/api/v1/risk/trend?region=11", HttpStatusCode.OK, HttpStatusCode.Forbidden),
        ["GET /api/v1/risk/top"] = new(Analysts, r => "/api/v1/risk/top" + RegionQuery(r), _ => "/api/v1/risk/top?region=11", HttpStatusCode.OK, HttpStatusCode.Forbidden),
        ["GET /api/v1/risk/heat"] = new(Analysts, r => "/api/v1/risk/heat" + RegionQuery(r), _ => "/api/v1/risk/heat?region=11", HttpStatusCode.OK, HttpStatusCode.Forbidden),
        ["GET /api/v1/risk/alert-statistics"] = new(Analysts, r => "/api/v1/risk/alert-statistics" + RegionQuery(r), _ => "/api/v1/risk/alert-statistics?region=11", HttpStatusCode.OK, HttpStatusCode.Forbidden),
        ["GET /api/v1/risk/timeline"] = new(Analysts, _ => $"/api/v1/risk/timeline?enterprise={Inside}", _ => $"/api/v1/risk/timeline?enterprise={Outside}", HttpStatusCode.OK, HttpStatusCode.NotFound),
        ["GET /api/v1/risk/audit"] = new([TestUsers.Supervisor35], _ => "/api/v1/risk/audit", _ => "/api/v1/risk/audit", HttpStatusCode.OK, HttpStatusCode.OK),
        ["GET /api/v1/admin/models"] = new([TestUsers.Admin], _ => "/api/v1/admin/models", _ => "/api/v1/admin/models", HttpStatusCode.OK, HttpStatusCode.OK),
        ["POST /api/v1/admin/models/reload"] = new([TestUsers.Admin], _ => "/api/v1/admin/models/reload", _ => "/api/v1/admin/models/reload", HttpStatusCode.OK, HttpStatusCode.OK),
    };

    /// <summary>Hub methods: what to watch inside and outside the caller's scope.</summary>
    private static readonly Dictionary<string, (Func<string, object[]> Inside, object[] Outside)> HubMethods = new(StringComparer.Ordinal)
    {
        [nameof(AlertsHub.Watch)] = (r => [Region(r)], ["11"]),
    };

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _keysFile = Path.Combine(Path.GetTempPath(), "supervision-matrix-keys-" + Guid.NewGuid().ToString("N") + ".json");
        ApiKeyStore.Append(_keysFile, new ApiKeyEntry { KeyHash = ApiKeyStore.Hash(PlatformKey), Jurisdiction = "" });
        _server = new SupervisionServer(new Dictionary<string, string?>
        {
            ["Supervision:Auth:Enabled"] = "true",
            ["Supervision:Auth:KeysFile"] = _keysFile,
        });
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        using var client = KeyClient();
        foreach (var (enterprise, region) in new[] { (Inside, "350102"), (Outside, "110105") })
        {
            using var response = await client.PostAsync("/api/v1/reports", new StringContent(SupervisionServer.ViolatingSeries(enterprise, region, start, 12, "M-1"), Encoding.UTF8, "application/x-ndjson"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }
        using var supervisor = await _server.ClientAsync(TestUsers.Supervisor);
        await SupervisionServer.EventuallyAsync(async () =>
        {
            var alerts = await supervisor.GetFromJsonAsync<JsonElement>("/api/v1/alerts?from=" + Uri.EscapeDataString(start.AddHours(-1).ToString("O")));
            string? Id(string enterprise) => alerts.EnumerateArray().Where(a => a.GetProperty("enterpriseId").GetString() == enterprise).Select(a => a.GetProperty("alertId").GetString()).FirstOrDefault();
            _insideAlert = Id(Inside)!;
            _outsideAlert = Id(Outside)!;
            using var grade = await supervisor.GetAsync($"/api/v1/enterprises/{Outside}/risk");
            return _insideAlert is not null && _outsideAlert is not null && grade.StatusCode == HttpStatusCode.OK ? "ready" : null;
        }, TimeSpan.FromSeconds(30), "both alerts and grades");
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _server.Dispose();
        File.Delete(_keysFile);
    }

    private HttpClient KeyClient()
    {
        var client = _server.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PlatformKey);
        return client;
    }

    private static IEnumerable<(string Key, RouteEndpoint Endpoint)> HttpEndpoints(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !e.RoutePattern.RawText!.StartsWith("/hubs/", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => ($"{m} {e.RoutePattern.RawText!.TrimEnd('/')}", e)));

    [Test]
    public void Endpoints_Every_DeclaresAPolicyOrIsPublicAndIsInTheTable()
    {
        var table = Table();
        var problems = new List<string>();
        foreach (var endpoint in _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            if (policies.Count == 0 && !anonymous)
            {
                problems.Add($"{endpoint.DisplayName} ({endpoint.RoutePattern.RawText}) declares no policy");
            }
        }
        foreach (var (key, endpoint) in HttpEndpoints(_server.Services))
        {
            if (!table.TryGetValue(key, out var row))
            {
                problems.Add($"{key} is not in the authorization matrix: add who may call it");
            }
            else if (row.IsPublic != (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null))
            {
                problems.Add($"{key} is {(row.IsPublic ? "" : "not ")}public in the table but the endpoint says otherwise");
            }
        }
        foreach (var key in table.Keys.Except(HttpEndpoints(_server.Services).Select(e => e.Key)))
        {
            problems.Add($"{key} is in the table but the application has no such endpoint");
        }
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task Endpoints_EveryRoleInsideAndOutside_ExpectedStatus()
    {
        var problems = new List<string>();
        var lines = new List<string>();
        foreach (var (key, _) in HttpEndpoints(_server.Services).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var row = Table()[key];
            var method = new HttpMethod(key[..key.IndexOf(' ', StringComparison.Ordinal)]);
            foreach (var role in Roles)
            {
                foreach (var inside in new[] { true, false })
                {
                    var expected = Expected(row, role, inside);
                    using var request = new HttpRequestMessage(method, inside ? row.InsidePath(role) : row.OutsidePath(role)) { Content = row.Body?.Invoke() };
                    await AuthorizeAsync(request, role, row.FreshSignIn);
                    using var client = _server.NewClient();
                    using var response = await client.SendAsync(request);
                    lines.Add($"{key,-45} {role,-16} {(inside ? "inside" : "outside"),-8} {(int)response.StatusCode}");
                    if (response.StatusCode != expected)
                    {
                        problems.Add($"{key} as {role} {(inside ? "inside" : "outside")}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
            }
        }
        TestContext.Out.WriteLine(string.Join('\n', lines));
        Assert.That(problems, Is.Empty);
    }

    private static HttpStatusCode Expected(Row row, string role, bool inside)
    {
        if (row.Allowed.Contains(role))
        {
            return inside ? row.Ok : row.OutsideStatus;
        }
        // Without a credential: 401. A person's token where a reporting key is needed is no key: 401 too. A key, or a
        // person of another role, where a person's role is needed: 403.
        return role == Public || row.Allowed.SequenceEqual([Key]) ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
    }

    private async Task AuthorizeAsync(HttpRequestMessage request, string role, bool fresh)
    {
        if (role == Public)
        {
            return;
        }
        var token = role == Key ? PlatformKey : fresh ? (await _server.SignInAsync(role)).GetProperty("access_token").GetString()! : await _server.TokenAsync(role);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    [Test]
    public void HubMethods_Every_DeclaresAPolicyAndIsInTheTable()
    {
        var methods = typeof(AlertsHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.Name is not (nameof(Hub.OnConnectedAsync) or nameof(Hub.OnDisconnectedAsync))).ToList();
        Assert.That(methods.Select(m => m.Name), Is.EquivalentTo(HubMethods.Keys), "every hub method is in the matrix");
        foreach (var method in methods)
        {
            Assert.That(method.GetCustomAttributes<AuthorizeAttribute>().Select(a => a.Policy), Is.Not.Empty.And.All.Not.Null, $"{method.Name} declares a policy");
        }
    }

    [Test]
    public async Task HubMethods_EveryRoleInsideAndOutside_ExpectedOutcome()
    {
        var problems = new List<string>();
        foreach (var role in Roles.Where(r => r != Key))
        {
            var allowed = Staff.Contains(role);
            var token = role == Public ? null : await _server.TokenAsync(role);
            await using var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(_server.BaseAddress, "/hubs/alerts"), o => o.AccessTokenProvider = () => Task.FromResult(token))
                .Build();
            try
            {
                await hub.StartAsync();
                if (!allowed)
                {
                    problems.Add($"{role} connected to the hub");
                    continue;
                }
            }
            catch (HttpRequestException e)
            {
                var expected = role == Public ? HttpStatusCode.Unauthorized : HttpStatusCode.Forbidden;
                if (allowed || e.StatusCode != expected)
                {
                    problems.Add($"{role} connecting: {(allowed ? "refused" : $"expected {(int)expected}, got {e.StatusCode}")}: {e.Message}");
                }
                continue;
            }
            foreach (var (name, (inside, outside)) in HubMethods)
            {
                try
                {
                    await hub.InvokeCoreAsync(name, inside(role));
                }
                catch (HubException e)
                {
                    problems.Add($"{name} inside as {role} refused: {e.Message}");
                }
                try
                {
                    await hub.InvokeCoreAsync(name, outside);
                    problems.Add($"{name} outside as {role} accepted");
                }
                catch (HubException e) when (e.Message.Contains("outside your jurisdiction", StringComparison.Ordinal) || e.Message.Contains("sees enterprise", StringComparison.Ordinal))
                {
                }
            }
        }
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task Hub_AlertWithPhoneNumber_SupervisorUnmaskedOthersMaskedEnterpriseOnlyItsOwn()
    {
        const string phone = "13912345678";
        var received = new Dictionary<string, List<JsonElement>>();
        var hubs = new List<HubConnection>();
        foreach (var role in new[] { TestUsers.Supervisor35, TestUsers.Analyst35, TestUsers.Agency35Food, TestUsers.Enterprise, TestUsers.Inspector3501 })
        {
            var hub = await _server.HubAsync(role);
            var list = received[role] = [];
            hub.On<JsonElement>("alert", a =>
            {
                lock (list)
                {
                    list.Add(a);
                }
            });
            await hub.StartAsync();
            hubs.Add(hub);
        }
        try
        {
            using var client = KeyClient();
            var start = DateTimeOffset.UtcNow.AddHours(-1);
            foreach (var (enterprise, region) in new[] { (Inside, "350104"), ("91350100MA0000301" + Supervision.Domain.Identifiers.EnterpriseId.CheckCharacter("91350100MA0000301"), "350104") })
            {
                using var response = await client.PostAsync("/api/v1/reports", new StringContent(SupervisionServer.ViolatingSeries(enterprise, region, start, 11, phone), Encoding.UTF8, "application/x-ndjson"));
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            }
            List<JsonElement> Of(string role, string enterprise)
            {
                lock (received[role])
                {
                    return [.. received[role].Where(a => a.GetProperty("enterpriseId").GetString() == enterprise && a.GetProperty("region").GetString() == "350104")];
                }
            }
            var other = "91350100MA0000301" + Supervision.Domain.Identifiers.EnterpriseId.CheckCharacter("91350100MA0000301");
            await SupervisionServer.EventuallyAsync(() => Task.FromResult(
                Of(TestUsers.Supervisor35, other).Count > 0 && Of(TestUsers.Enterprise, Inside).Count > 0 && Of(TestUsers.Analyst35, other).Count > 0 ? "received" : null),
                TimeSpan.FromSeconds(20), "the alerts on the hub");

            Assert.That(Of(TestUsers.Supervisor35, other)[0].GetProperty("summary").GetString(), Does.Contain(phone));
            foreach (var role in new[] { TestUsers.Analyst35, TestUsers.Agency35Food, TestUsers.Inspector3501 })
            {
                var alert = Of(role, other)[0];
                Assert.That(alert.ToString(), Does.Not.Contain(phone), role);
                Assert.That(alert.GetProperty("summary").GetString(), Does.Contain("139********"), role);
            }
            Assert.That(Of(TestUsers.Enterprise, Inside)[0].ToString(), Does.Not.Contain(phone));
            Assert.That(Of(TestUsers.Enterprise, other), Is.Empty, "an enterprise sees its own alerts only");
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task Agency_EveryRead_AuditedWithItsPurpose()
    {
        var marker = "/api/v1/risk/top?region=3501&limit=7";
        using var agency = await _server.ClientAsync(TestUsers.Agency35Food);
        using (var top = await agency.GetAsync(marker))
        {
            Assert.That(top.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        using (var risk = await agency.GetAsync($"/api/v1/enterprises/{Inside}/risk"))
        {
            Assert.That(risk.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        using var supervisor = await _server.ClientAsync(TestUsers.Supervisor35);
        var records = await SupervisionServer.EventuallyAsync(async () =>
        {
            var audit = await supervisor.GetFromJsonAsync<JsonElement>($"/api/v1/risk/audit?caller={TestUsers.Agency35Food}&limit=1000");
            var queries = audit.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("query").GetString()!).ToList();
            return queries.Any(q => q.StartsWith(marker, StringComparison.Ordinal)) && queries.Any(q => q.StartsWith($"GET /api/v1/enterprises/{Inside}/risk", StringComparison.Ordinal)) ? queries : null;
        }, TimeSpan.FromSeconds(10), "the agency's reads in the audit trail");

        Assert.That(records.Single(q => q.StartsWith(marker, StringComparison.Ordinal)), Is.EqualTo($"{marker} (purpose: {TestUsers.AgencyPurpose})"));
        Assert.That(records.Single(q => q.StartsWith($"GET /api/v1/enterprises/{Inside}/risk", StringComparison.Ordinal)), Is.EqualTo($"GET /api/v1/enterprises/{Inside}/risk -> 200 (purpose: {TestUsers.AgencyPurpose})"));
    }

    [Test]
    public async Task Agency_SectorOutsideItsOwn_Is403()
    {
        using var agency = await _server.ClientAsync(TestUsers.Agency35Food);
        using var response = await agency.GetAsync("/api/v1/risk/top?sector=drug");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(problem.GetProperty("detail").GetString(), Is.EqualTo("sector 'drug' is outside your sectors (food)"));
    }

    [Test]
    public async Task OutsideObject_SameAnswerAsMissingOne()
    {
        var missing = Supervision.Domain.Identifiers.EnterpriseId.CheckCharacter("91350100MA0000999") is var check ? "91350100MA0000999" + check : "";
        using var inspector = await _server.ClientAsync(TestUsers.Inspector3501);

        using var outsideResponse = await inspector.GetAsync($"/api/v1/enterprises/{Outside}/risk");
        using var missingResponse = await inspector.GetAsync($"/api/v1/enterprises/{missing}/risk");

        Assert.That((outsideResponse.StatusCode, missingResponse.StatusCode), Is.EqualTo((HttpStatusCode.NotFound, HttpStatusCode.NotFound)));
        static string Body(string body, string id) => System.Text.RegularExpressions.Regex.Replace(body, "\"traceId\":\"[^\"]*\"", "").Replace(id, "ID", StringComparison.Ordinal);
        Assert.That(Body(await outsideResponse.Content.ReadAsStringAsync(), Outside), Is.EqualTo(Body(await missingResponse.Content.ReadAsStringAsync(), missing)));
    }
}

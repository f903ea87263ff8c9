using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Supervision.Server.Tests;

/// <summary>
/// The real server on Kestrel at a random 127.0.0.1 port, with a fresh data directory (a real DuckDB file),
/// the committed model from <c>models/</c> and the demo feed off.
/// </summary>
public sealed class SupervisionServer : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDataDirectory;

    public SupervisionServer(IDictionary<string, string?>? settings = null, string? dataDirectory = null)
    {
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? NewDataDirectory();
        _settings = new Dictionary<string, string?>
        {
            ["Supervision:DataDirectory"] = DataDirectory,
            ["Supervision:ModelsDirectory"] = Path.Combine(RepositoryRoot, "models"),
            ["Supervision:Demo:Enabled"] = "false",
            // Most tests are about other things; AuthTests turns keys on.
            ["Supervision:Auth:Enabled"] = "false",
            ["Supervision:Auth:UsersFile"] = TestUsers.WriteFile(DataDirectory),
            // Long enough that no test's token expires while it runs; token tests mint expired ones on purpose.
            ["Supervision:Auth:AccessTokenLifetime"] = "01:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
        UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
        // Ready once the store is open and the write-ahead log replayed; before that ingest answers 503.
        Services.GetRequiredService<Pipeline.PipelineHost>().Ready.Wait(TimeSpan.FromSeconds(60));
    }

    public string DataDirectory { get; }

    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "supervision-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Where Kestrel listens, e.g. http://127.0.0.1:41234.</summary>
    public Uri BaseAddress { get; }

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Supervision.sln")))
            {
                directory = directory.Parent;
            }
            return directory?.FullName ?? throw new InvalidOperationException("Supervision.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public HttpClient NewClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);

    /// <summary>Signs <paramref name="user"/> (one of <see cref="TestUsers"/>) in through <c>POST /api/v1/auth/token</c>; the access token.</summary>
    public async Task<string> TokenAsync(string user)
    {
        lock (_tokens)
        {
            if (_tokens.TryGetValue(user, out var cached))
            {
                return cached;
            }
        }
        var token = (await SignInAsync(user)).GetProperty("access_token").GetString()!;
        lock (_tokens)
        {
            _tokens[user] = token;
        }
        return token;
    }

    /// <summary>A new sign-in of <paramref name="user"/>: the token endpoint's whole answer.</summary>
    public async Task<System.Text.Json.JsonElement> SignInAsync(string user, string? password = null)
    {
        using var client = NewClient();
        using var response = await client.PostAsync("/api/v1/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = user,
            ["password"] = password ?? TestUsers.Password,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"signing in {user}: {body}");
        return System.Text.Json.JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>A client signed in as <paramref name="user"/> (one of <see cref="TestUsers"/>).</summary>
    public async Task<HttpClient> ClientAsync(string user)
    {
        var client = NewClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await TokenAsync(user));
        return client;
    }

    /// <summary>A hub connection to <c>/hubs/alerts</c> (not started) signed in as <paramref name="user"/>, watching <paramref name="region"/>.</summary>
    public async Task<Microsoft.AspNetCore.SignalR.Client.HubConnection> HubAsync(string user, string region = "")
    {
        var token = await TokenAsync(user);
        return new Microsoft.AspNetCore.SignalR.Client.HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, "/hubs/alerts" + (region.Length > 0 ? "?region=" + region : "")), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    /// <summary>NDJSON of <paramref name="minutes"/> frozen-store readings at -12 °C, one a minute, starting at <paramref name="start"/>.</summary>
    public static string ViolatingSeries(string enterpriseId, string region, DateTimeOffset start, int minutes, string device = "F-09")
    {
        var body = new StringBuilder();
        for (var m = 0; m < minutes; m++)
        {
            var at = start.AddMinutes(m).ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture);
            body.Append(System.Globalization.CultureInfo.InvariantCulture,
                $$$"""{"reportId":"{{{device}}}-{{{m}}}","enterpriseId":"{{{enterpriseId}}}","region":"{{{region}}}","sector":"food","kind":"food.coldchain","observedAt":"{{{at}}}","payload":{"deviceId":"{{{device}}}","storageClass":"frozen","temperatureC":-12.5}}""");
            body.Append('\n');
        }
        return body.ToString();
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value or <paramref name="timeout"/> passes.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds} s waiting for {what}");
            }
            await Task.Delay(100);
        }
    }
}

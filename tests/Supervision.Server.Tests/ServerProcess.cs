using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Supervision.Server.Tests;

/// <summary>The server as a real process on a free 127.0.0.1 port, for tests that kill it with SIGKILL or SIGTERM.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>A client of this server.</summary>
    public HttpClient Http { get; }

    /// <summary>Starts the built server on <paramref name="dataDirectory"/> (demo off, reporting keys off) with extra <c>--key=value</c> settings.</summary>
    public static ServerProcess Start(string dataDirectory, int port, params string[] settings)
    {
        var root = SupervisionServer.RepositoryRoot;
        var dll = Path.Combine(root, "src", "Supervision.Server", "bin", "Release", "net10.0", "linux-x64", "Supervision.Server.dll");
        if (!File.Exists(dll))
        {
            Assert.Fail($"{dll} is missing: build the solution in Release first (tests/run.sh does)");
        }
        Directory.CreateDirectory(dataDirectory);
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, "--urls", $"http://127.0.0.1:{port}",
                "--Supervision:DataDirectory=" + dataDirectory,
                "--Supervision:Demo:Enabled=false",
                "--Supervision:Auth:Enabled=false",
                "--Supervision:ModelsDirectory=" + Path.Combine(root, "models"),
                "--Supervision:Auth:UsersFile=" + TestUsers.WriteFile(dataDirectory),
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Supervision=Information",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        foreach (var setting in settings)
        {
            info.ArgumentList.Add(setting);
        }
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) TestContext.Progress.WriteLine("server: " + e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) TestContext.Progress.WriteLine("server: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process, port);
    }

    /// <summary>A free loopback port.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Signs one of <see cref="TestUsers"/> in; the access token.</summary>
    public async Task<string> TokenAsync(string user)
    {
        using var response = await Http.PostAsync("/api/v1/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = user,
            ["password"] = TestUsers.Password,
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>Waits until <c>/healthz</c> answers 200.</summary>
    public Task WaitHealthyAsync() =>
        SupervisionServer.EventuallyAsync(async () =>
        {
            try
            {
                using var response = await Http.GetAsync("/healthz");
                return response.StatusCode == HttpStatusCode.OK ? "ok" : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, TimeSpan.FromSeconds(60), "the server to become healthy");

    /// <summary>Waits until nothing is queued for the engine or the store.</summary>
    public Task WaitIdleAsync() =>
        SupervisionServer.EventuallyAsync(async () =>
        {
            var health = await Http.GetFromJsonAsync<JsonElement>("/healthz");
            return health.GetProperty("queued").GetInt32() == 0 && health.GetProperty("pendingWrites").GetInt64() == 0 ? "idle" : null;
        }, TimeSpan.FromSeconds(60), "the pipeline and writer to drain");

    /// <summary>SIGKILL: no shutdown hooks, no flushing.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, and wait for a clean exit.</summary>
    public async Task TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        _process.Dispose();
        Http.Dispose();
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;

namespace Supervision.Server.Tests.Browser;

/// <summary>The dashboard in Debian's Chromium, driven by Playwright, with the vendored SignalR client.</summary>
[Category("Integration")]
public class DashboardTests
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private SupervisionServer _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Fail($"{ChromiumPath} is missing: install Debian's Chromium with 'apt-get install -y chromium' (tests/run.sh does)");
        }
        _server = new SupervisionServer();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _server.Dispose();
    }

    private async Task<IPage> SignedInPageAsync(string user, List<string>? problems = null)
    {
        var page = await _browser.NewPageAsync();
        if (problems is not null)
        {
            page.Console += (_, message) =>
            {
                if (message.Type is "error" or "warning")
                {
                    problems.Add($"console {message.Type}: {message.Text}");
                }
            };
            page.PageError += (_, error) => problems.Add("page error: " + error);
        }
        await page.GotoAsync(_server.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#signin")).ToBeVisibleAsync();
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", TestUsers.Password);
        await page.ClickAsync("#signin button[type=submit]");
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });
        return page;
    }

    private async Task PostAsync(string enterprise, string region, string device)
    {
        using var client = _server.NewClient();
        var content = new StringContent(SupervisionServer.ViolatingSeries(enterprise, region, DateTimeOffset.UtcNow.AddHours(-1), 11, device), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var response = await client.PostAsync("/api/v1/reports", content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
    }

    [Test]
    public async Task Dashboard_SignedInSupervisor_ViolatingReportAppearsWithoutConsoleErrors()
    {
        var problems = new List<string>();
        var page = await SignedInPageAsync(TestUsers.Supervisor, problems);

        await PostAsync("91110000600037341L", "110105", "F-42");

        var row = page.Locator("#alerts tbody tr", new() { HasText = "F-42" });
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(row).ToContainTextAsync("warning");
        await Assertions.Expect(row).ToContainTextAsync("110105");
        await Assertions.Expect(row).ToContainTextAsync("frozen store F-42 at -12.5 °C, above -18 °C for 10 min");
        await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync("supervisor (supervisor · whole country)");
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task Dashboard_Opens_OnSignInPageAndWrongPasswordSaysSo()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_server.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#board")).ToBeHiddenAsync();

        await page.FillAsync("#username", TestUsers.Analyst35);
        await page.FillAsync("#password", "not the password");
        await page.ClickAsync("#signin button[type=submit]");

        await Assertions.Expect(page.Locator("#signin-error")).ToHaveTextAsync("the user name or password is wrong");
        await Assertions.Expect(page.Locator("#board")).ToBeHiddenAsync();
    }

    [Test]
    public async Task Dashboard_Inspector3501_SeesOnly3501RefusedElsewhereAndSignsOut()
    {
        var problems = new List<string>();
        var page = await SignedInPageAsync(TestUsers.Inspector3501, problems);

        await PostAsync("91110000600037341L", "110105", "F-51");
        await PostAsync("91350100M000100Y43", "350102", "F-52");

        // Both alerts exist (a whole-country supervisor's page shows the Beijing one); the 3501 inspector's shows only Fuzhou's.
        var supervisor = await SignedInPageAsync(TestUsers.Supervisor);
        await Assertions.Expect(supervisor.Locator("#alerts tbody tr", new() { HasText = "F-51" })).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#alerts tbody tr", new() { HasText = "F-52" })).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#alerts tbody tr", new() { HasText = "F-51" })).ToHaveCountAsync(0);
        Assert.That(await page.Locator("#alerts tbody tr td:nth-child(4)").AllTextContentsAsync(), Is.Not.Empty.And.All.StartsWith("3501"));

        // From the page's console: the hub refuses another region, and the connection keeps its own.
        var refusal = await page.EvaluateAsync<string>("() => supervision.connection.invoke('Watch', '11').then(() => 'accepted', e => e.message)");
        Assert.That(refusal, Does.Contain("region '11' is outside your jurisdiction (3501)"));
        var token = await page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('supervision.session')).accessToken");

        await page.ClickAsync("#signout");

        await Assertions.Expect(page.Locator("#signin")).ToBeVisibleAsync();
        Assert.That(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('supervision.session')"), Is.Null);
        using var client = _server.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/alerts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var afterSignOut = await client.SendAsync(request);
        Assert.That(afterSignOut.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the signed-out token no longer works");
        Assert.That(problems, Is.Empty);
    }
}

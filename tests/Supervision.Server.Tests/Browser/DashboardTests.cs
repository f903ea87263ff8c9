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

    [Test]
    public async Task Dashboard_ViolatingReportPosted_AlertAppearsWithoutConsoleErrors()
    {
        var page = await _browser.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Add($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Add("page error: " + error);

        await page.GotoAsync(_server.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });

        using var client = _server.NewClient();
        var content = new StringContent(SupervisionServer.ViolatingSeries("91110000600037341L", "110105", DateTimeOffset.UtcNow.AddHours(-1), 11, "F-42"), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var response = await client.PostAsync("/api/v1/reports", content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

        var row = page.Locator("#alerts tbody tr", new() { HasText = "91110000600037341L" });
        await Assertions.Expect(row).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(row).ToContainTextAsync("warning");
        await Assertions.Expect(row).ToContainTextAsync("110105");
        await Assertions.Expect(row).ToContainTextAsync("frozen store F-42 at -12.5 °C, above -18 °C for 10 min");
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task Dashboard_OtherJurisdiction_DoesNotShowAlert()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(new Uri(_server.BaseAddress, "/?region=44").ToString());
        await Assertions.Expect(page.Locator("#status")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });

        using var client = _server.NewClient();
        var content = new StringContent(SupervisionServer.ViolatingSeries("91350100M000100Y43", "350102", DateTimeOffset.UtcNow.AddHours(-1), 11, "F-43"), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var response = await client.PostAsync("/api/v1/reports", content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));

        // A page watching Fujian sees it, so the alert was broadcast; the Guangdong page must not.
        var fujian = await _browser.NewPageAsync();
        await fujian.GotoAsync(new Uri(_server.BaseAddress, "/?region=35").ToString());
        await Assertions.Expect(fujian.Locator("#alerts tbody tr", new() { HasText = "F-43" })).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#alerts tbody tr", new() { HasText = "F-43" })).ToHaveCountAsync(0);
    }
}

using Microsoft.Playwright;

namespace Supervision.Server.Tests.Browser;

/// <summary><c>/docs</c> (Scalar) in Debian's Chromium: it renders the API document from this server alone.</summary>
[Category("Integration")]
public class ApiDocsTests
{
    private const string ChromiumPath = "/usr/bin/chromium";

    [Test]
    public async Task Docs_OpenInBrowser_RendersOperationsWithoutLeavingTheServer()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Fail($"{ChromiumPath} is missing: install Debian's Chromium with 'apt-get install -y chromium' (tests/run.sh does)");
        }
        using var server = new SupervisionServer();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var elsewhere = new List<string>();
        var errors = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(server.BaseAddress.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                elsewhere.Add(request.Url);
            }
        };
        page.PageError += (_, error) => errors.Add(error);

        await page.GotoAsync(new Uri(server.BaseAddress, "/docs").ToString());
        // The sidebar lists the document's tags once Scalar has read it; the first tag's operations are open.
        await Assertions.Expect(page.GetByText("Analyst queries").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByText("Reporting").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Sign in, or refresh a session").First).ToBeVisibleAsync();

        var shot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "api-docs.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot });
        TestContext.AddTestAttachment(shot);
        Assert.That(elsewhere, Is.Empty, "requests that left the server");
        Assert.That(errors, Is.Empty);
    }
}

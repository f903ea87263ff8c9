using Supervision.Ingest.Security;

namespace Supervision.Cli.Tests.Commands;

/// <summary><c>supervision keys add</c> through the whole command line, as a user types it.</summary>
public class KeysCommandTests
{
    private string _file = null!;

    [SetUp]
    public void SetUp() => _file = Path.Combine(Path.GetTempPath(), "supervision-keys-" + Guid.NewGuid().ToString("N"), "keys.json");

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(Path.GetDirectoryName(_file)))
        {
            Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);
        }
    }

    [Test]
    public async Task Add_Enterprise_PrintsKeyAndStoresOnlyItsHash()
    {
        var run = await Cli.RunAsync("keys", "add", "--enterprise", "91350100M000100Y43", "--file", _file);

        Assert.That(run.Code, Is.EqualTo(0), run.Error);
        var key = run.Output.Trim();
        Assert.That(key, Does.StartWith("sk_"));
        var stored = File.ReadAllText(_file);
        Assert.That(stored, Does.Not.Contain(key));
        Assert.That(new ApiKeyStore(_file).Find(key)?.EnterpriseId, Is.EqualTo("91350100M000100Y43"));
    }

    [TestCase(new[] { "keys", "add", "--enterprise", "91350100M000100Y44" }, "supervision keys add: --enterprise check character is '4', expected '3'")]
    [TestCase(new[] { "keys", "add" }, "supervision keys add: give exactly one of --enterprise and --jurisdiction")]
    [TestCase(new[] { "keys", "add", "--jurisdiction", "351" }, "supervision keys add: --jurisdiction must be 2, 4 or 6 digits (province, city or county)")]
    [TestCase(new[] { "keys", "add", "--enterprise", "91350100M000100Y43", "--public-key", "/nonexistent.pem" }, "supervision keys add: --public-key file '/nonexistent.pem' does not exist")]
    [TestCase(new[] { "keys", "remove" }, "supervision keys: unknown keys action 'remove'; use one of add")]
    public async Task Add_BadInput_ExitsTwoWithOneLineNamingTheOption(string[] args, string message)
    {
        var run = await Cli.RunAsync([.. args, "--file", _file]);

        Assert.That(run.Code, Is.EqualTo(2));
        Assert.That(run.Error, Is.EqualTo(message + Environment.NewLine));
        Assert.That(File.Exists(_file), Is.False);
    }
}

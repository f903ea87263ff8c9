using Supervision.Ingest.Security;

namespace Supervision.Cli.Tests.Commands;

/// <summary><c>supervision keys</c> through the whole command line, as a user types it.</summary>
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
        Assert.That(new ApiKeyStore(_file, TimeProvider.System).Find(key)?.EnterpriseId, Is.EqualTo("91350100M000100Y43"));
    }

    [TestCase(new[] { "keys", "add", "--enterprise", "91350100M000100Y44" }, "supervision keys add: --enterprise check character is '4', expected '3'")]
    [TestCase(new[] { "keys", "add" }, "supervision keys add: give exactly one of --enterprise and --jurisdiction")]
    [TestCase(new[] { "keys", "add", "--jurisdiction", "351" }, "supervision keys add: --jurisdiction must be 2, 4 or 6 digits (province, city or county)")]
    [TestCase(new[] { "keys", "add", "--enterprise", "91350100M000100Y43", "--public-key", "/nonexistent.pem" }, "supervision keys add: --public-key file '/nonexistent.pem' does not exist")]
    [TestCase(new[] { "keys", "remove" }, "supervision keys: unknown keys action 'remove'; use one of add, list, revoke, rotate")]
    public async Task Add_BadInput_ExitsTwoWithOneLineNamingTheOption(string[] args, string message)
    {
        var run = await Cli.RunAsync([.. args, "--file", _file]);

        Assert.That(run.Code, Is.EqualTo(2));
        Assert.That(run.Error, Is.EqualTo(message + Environment.NewLine));
        Assert.That(File.Exists(_file), Is.False);
    }

    private async Task<string> AddAsync()
    {
        var run = await Cli.RunAsync("keys", "add", "--jurisdiction", "35", "--profile", "port-import-coldchain", "--file", _file);
        Assert.That(run.Code, Is.EqualTo(0), run.Error);
        return run.Output.Trim();
    }

    [Test]
    public async Task List_TwoKeys_ShowsIdsCoverAndStateButNoSecrets()
    {
        var first = await AddAsync();
        await Cli.RunAsync("keys", "add", "--enterprise", "91350100M000100Y43", "--file", _file);

        var run = await Cli.RunAsync("keys", "list", "--file", _file);

        Assert.That(run.Code, Is.EqualTo(0), run.Error);
        var lines = run.Output.TrimEnd().Split(Environment.NewLine);
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[1], Does.StartWith(ApiKeyStore.Hash(first)[..12]).And.Contain("platform for jurisdiction '35'").And.Contain("port-import-coldchain").And.EndWith("active"));
        Assert.That(lines[2], Does.Contain("enterprise 91350100M000100Y43"));
        Assert.That(run.Output, Does.Not.Contain(first));
    }

    [Test]
    public async Task Revoke_Key_RefusedByTheStore()
    {
        var key = await AddAsync();
        var store = new ApiKeyStore(_file, TimeProvider.System);
        Assert.That(store.Find(key), Is.Not.Null);

        var run = await Cli.RunAsync("keys", "revoke", "--id", ApiKeyStore.Hash(key)[..12], "--file", _file);

        Assert.That(run.Code, Is.EqualTo(0), run.Error);
        Assert.That(new ApiKeyStore(_file, TimeProvider.System).Find(key), Is.Null);
        Assert.That((await Cli.RunAsync("keys", "list", "--file", _file)).Output, Does.Contain("revoked "));
    }

    [Test]
    public async Task Rotate_WithGrace_NewKeySameCoverOldKeyStillWorksUntilThen()
    {
        var old = await AddAsync();

        var run = await Cli.RunAsync("keys", "rotate", "--id", ApiKeyStore.Hash(old)[..12], "--grace", "1h", "--file", _file);

        Assert.That(run.Code, Is.EqualTo(0), run.Error);
        var store = new ApiKeyStore(_file, TimeProvider.System);
        var renewed = store.Find(run.Output.Trim());
        Assert.That((renewed?.Jurisdiction, renewed?.Profile), Is.EqualTo(("35", "port-import-coldchain")));
        Assert.That(store.Find(old)?.ExpiresAt, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(59)).And.LessThan(DateTimeOffset.UtcNow.AddMinutes(61)));
    }

    [Test]
    public async Task Revoke_UnknownId_ExitsTwoNamingIt()
    {
        await AddAsync();
        var run = await Cli.RunAsync("keys", "revoke", "--id", "000000000000", "--file", _file);
        Assert.That(run.Code, Is.EqualTo(2));
        Assert.That(run.Error, Is.EqualTo($"supervision keys revoke: no key with id '000000000000' in {_file}; 'supervision keys list' shows the ids" + Environment.NewLine));
    }
}

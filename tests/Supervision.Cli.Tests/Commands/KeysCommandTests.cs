using Supervision.Cli.Commands;
using Supervision.Ingest.Security;

namespace Supervision.Cli.Tests.Commands;

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
    public void Add_Enterprise_PrintsKeyAndStoresOnlyItsHash()
    {
        var output = new StringWriter();
        Assert.That(KeysCommand.Run(["add", "--enterprise", "91350100M000100Y43", "--file", _file], output), Is.EqualTo(0));
        var key = output.ToString().Trim();
        Assert.That(key, Does.StartWith("sk_"));
        var stored = File.ReadAllText(_file);
        Assert.That(stored, Does.Not.Contain(key));
        Assert.That(new ApiKeyStore(_file).Find(key)?.EnterpriseId, Is.EqualTo("91350100M000100Y43"));
    }

    [TestCase(new[] { "add", "--enterprise", "91350100M000100Y44" }, "--enterprise check character is '4', expected '3'")]
    [TestCase(new[] { "add" }, "give exactly one of --enterprise and --jurisdiction")]
    [TestCase(new[] { "add", "--jurisdiction", "351" }, "--jurisdiction must be 2, 4 or 6 digits (province, city or county)")]
    [TestCase(new[] { "remove" }, "the only keys action is 'add'; see 'supervision keys --help'")]
    public void Add_BadInput_IsUsageErrorNamingTheOption(string[] args, string message)
    {
        var error = Assert.Throws<UsageException>(() => KeysCommand.Run([.. args, "--file", _file], TextWriter.Null));
        Assert.That(error!.Message, Is.EqualTo(message));
        Assert.That(File.Exists(_file), Is.False);
    }
}

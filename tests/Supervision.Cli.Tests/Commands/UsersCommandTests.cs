using Supervision.Identity;

namespace Supervision.Cli.Tests.Commands;

/// <summary><c>supervision users</c> through the whole command line, as a user types it.</summary>
public class UsersCommandTests
{
    private string _file = null!;

    [SetUp]
    public void SetUp() => _file = Path.Combine(Path.GetTempPath(), "supervision-users-" + Guid.NewGuid().ToString("N"), "users.json");

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(Path.GetDirectoryName(_file)))
        {
            Directory.Delete(Path.GetDirectoryName(_file)!, recursive: true);
        }
    }

    [Test]
    public async Task Add_Inspector_GeneratedPasswordPrintedOnceAndOnlyItsHashStored()
    {
        var run = await Cli.RunAsync("users", "add", "--name", "li.wei", "--role", "inspector", "--jurisdiction", "3501", "--sectors", "food,drug", "--file", _file);

        Assert.That(run.Code, Is.EqualTo(0), run.Error);
        var password = run.Output.Trim()["li.wei added; password (shown once): ".Length..];
        Assert.That(password, Has.Length.EqualTo(20));
        var user = new UserStore(_file).Find("li.wei")!;
        Assert.That((user.Role, user.Jurisdiction, user.Sectors.Count, user.Disabled), Is.EqualTo(("inspector", "3501", 2, false)));
        Assert.That(Passwords.Verify(user.PasswordHash, password), Is.True);
        Assert.That(File.ReadAllText(_file), Does.Not.Contain(password));
    }

    [Test]
    public async Task Add_WholeCountrySupervisor_JurisdictionAllIsEmpty()
    {
        var run = await Cli.RunAsync("users", "add", "--name", "wang", "--role", "supervisor", "--jurisdiction", "all", "--file", _file);
        Assert.That(run.Code, Is.EqualTo(0), run.Error);
        Assert.That(new UserStore(_file).Find("wang")!.Jurisdiction, Is.EqualTo(""));
    }

    [Test]
    public async Task DisableThenList_ShowsDisabled_EnableAgain()
    {
        await Cli.RunAsync("users", "add", "--name", "zhao", "--role", "admin", "--file", _file);

        var disabled = await Cli.RunAsync("users", "disable", "--name", "zhao", "--file", _file);
        var list = await Cli.RunAsync("users", "list", "--file", _file);

        Assert.That(disabled.Output.Trim(), Is.EqualTo("zhao disabled"));
        Assert.That(list.Output.TrimEnd().Split(Environment.NewLine)[1], Does.StartWith("zhao").And.Contain("admin").And.EndWith("disabled"));
        Assert.That(new UserStore(_file).Find("zhao")!.Disabled, Is.True);
        await Cli.RunAsync("users", "enable", "--name", "zhao", "--file", _file);
        Assert.That(new UserStore(_file).Find("zhao")!.Disabled, Is.False);
    }

    [TestCase(new[] { "users", "add", "--name", "li", "--role", "inspector" }, "supervision users add: role inspector needs a jurisdiction (a division prefix of 2, 4 or 6 digits, or empty for the whole country)")]
    [TestCase(new[] { "users", "add", "--name", "li", "--role", "agency", "--jurisdiction", "35" }, "supervision users add: role agency needs a declared purpose of 1 to 200 characters")]
    [TestCase(new[] { "users", "add", "--name", "li", "--role", "inspector", "--jurisdiction", "35", "--sectors", "fish" }, "supervision users add: --sectors: 'fish' is not one of food, drug, agri, equipment")]
    [TestCase(new[] { "users", "add", "--name", "li", "--role", "root" }, "supervision users add: --role must be inspector, analyst, supervisor, admin, enterprise, agency, got 'root'")]
    [TestCase(new[] { "users", "add", "--role", "admin" }, "supervision users add: --name is required")]
    [TestCase(new[] { "users", "disable", "--name", "nobody" }, "supervision users disable: no user 'nobody' in {file}")]
    public async Task BadInput_ExitsTwoWithOneLine(string[] args, string message)
    {
        var run = await Cli.RunAsync([.. args, "--file", _file]);

        Assert.That(run.Code, Is.EqualTo(2));
        Assert.That(run.Error, Is.EqualTo(message.Replace("{file}", _file, StringComparison.Ordinal) + Environment.NewLine));
    }

    [Test]
    public async Task Add_NameTaken_ExitsTwo()
    {
        await Cli.RunAsync("users", "add", "--name", "li", "--role", "admin", "--file", _file);
        var run = await Cli.RunAsync("users", "add", "--name", "LI", "--role", "admin", "--file", _file);
        Assert.That(run.Code, Is.EqualTo(2));
        Assert.That(run.Error, Is.EqualTo($"supervision users add: user 'LI' already exists in {_file}" + Environment.NewLine));
    }
}

namespace Supervision.Identity.Tests;

public class UserStoreTests
{
    private string _path = null!;

    [SetUp]
    public void NewFile() => _path = Path.Combine(Path.GetTempPath(), "supervision-users-" + Guid.NewGuid().ToString("N") + ".json");

    [TearDown]
    public void DeleteFile() => File.Delete(_path);

    private static UserAccount Inspector(string name, string jurisdiction = "3501") =>
        new() { Name = name, Role = Access.Roles.Inspector, Jurisdiction = jurisdiction, PasswordHash = "hash-" + name };

    [Test]
    public void Find_NameInOtherCase_FindsTheUser()
    {
        UserStore.Add(_path, Inspector("Li.Wei"));
        var store = new UserStore(_path);
        Assert.That(store.Find("li.wei")?.Name, Is.EqualTo("Li.Wei"));
    }

    [Test]
    public void Add_NameTaken_Throws()
    {
        UserStore.Add(_path, Inspector("li"));
        var e = Assert.Throws<InvalidOperationException>(() => UserStore.Add(_path, Inspector("LI")));
        Assert.That(e!.Message, Is.EqualTo($"user 'LI' already exists in {_path}"));
    }

    [Test]
    public void Add_File_ReadableByOwnerOnly()
    {
        UserStore.Add(_path, Inspector("li"));
        Assume.That(OperatingSystem.IsWindows(), Is.False);
        Assert.That(OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(_path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void Refresh_UserDisabledAndAdded_ReportsBothChanges()
    {
        UserStore.Add(_path, Inspector("li"));
        var store = new UserStore(_path);
        UserStore.Update(_path, "li", u => u with { Disabled = true });
        UserStore.Add(_path, Inspector("wang"));

        var (changes, problem) = store.Refresh();

        Assert.That(problem, Is.Null);
        Assert.That(changes.Select(c => $"{c.Before?.Name}:{c.Before?.Disabled}->{c.After?.Name}:{c.After?.Disabled}"),
            Is.EquivalentTo(new[] { "li:False->li:True", ":->wang:False" }));
        Assert.That(store.Find("li")!.Disabled, Is.True);
        Assert.That(store.Refresh().Changes, Is.Empty, "nothing changed since");
    }

    [Test]
    public void Refresh_FileBrokenWhileRunning_KeepsUsersAndSaysWhy()
    {
        UserStore.Add(_path, Inspector("li"));
        var store = new UserStore(_path);
        File.WriteAllText(_path, "[{\"name\":");

        var (changes, problem) = store.Refresh();

        Assert.That(changes, Is.Empty);
        Assert.That(problem, Does.StartWith($"{_path} is not a JSON array of users"));
        Assert.That(store.Find("li"), Is.Not.Null);
    }

    [Test]
    public void Constructor_InvalidEntry_ThrowsNamingFileAndEntry()
    {
        File.WriteAllText(_path, """[{"name":"li","role":"inspector","passwordHash":"h"}]""");
        var e = Assert.Throws<InvalidDataException>(() => new UserStore(_path));
        Assert.That(e!.Message, Does.StartWith($"{_path}: user 0: role inspector needs a jurisdiction"));
    }

    [Test]
    public void Constructor_DuplicateNames_Throws()
    {
        File.WriteAllText(_path, """[{"name":"li","role":"admin","passwordHash":"h"},{"name":"LI","role":"admin","passwordHash":"h"}]""");
        var e = Assert.Throws<InvalidDataException>(() => new UserStore(_path));
        Assert.That(e!.Message, Is.EqualTo($"{_path}: user 1: name 'LI' appears twice"));
    }

    [Test]
    public void AddInMemory_ShadowsNothingInFile_ListedWithFileUsers()
    {
        UserStore.Add(_path, Inspector("li"));
        var store = new UserStore(_path);
        store.AddInMemory(Inspector("demo"));
        Assert.That(store.All().Select(u => u.Name), Is.EqualTo(new[] { "demo", "li" }));
        Assert.That(File.ReadAllText(_path), Does.Not.Contain("demo"));
    }

    [Test]
    public void Read_SectorsAsNames_RoundTrip()
    {
        UserStore.Add(_path, Inspector("li") with { Sectors = [Domain.Reports.Sector.Food, Domain.Reports.Sector.Drug] });
        Assert.That(File.ReadAllText(_path), Does.Contain("\"food\""));
        Assert.That(UserStore.Read(_path)[0].Sectors, Is.EqualTo(new[] { Domain.Reports.Sector.Food, Domain.Reports.Sector.Drug }));
    }
}

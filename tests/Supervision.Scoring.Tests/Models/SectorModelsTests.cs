using Supervision.Cli.Commands;
using Supervision.Cli.Terminal;
using Supervision.Domain.Reports;
using Supervision.Scoring.Models;

namespace Supervision.Scoring.Tests.Models;

public class SectorModelsTests
{
    private static string _trained = null!;
    private static string _trainLog = null!;
    private string _directory = null!;

    // One small training run for the fixture: two sectors' models, written by the command itself.
    [OneTimeSetUp]
    public static void TrainOnce()
    {
        _trained = Path.Combine(Path.GetTempPath(), "supervision-sector-models-" + Guid.NewGuid().ToString("N"));
        var log = new StringWriter();
        var exit = TrainCommand.Run(new TrainCommand.Settings(Enterprises: 400, Days: 3, Seed: 5, Output: _trained, Trees: 20), new CliContext(TextWriter.Null, log, TimeProvider.System));
        _trainLog = log.ToString();
        Assert.That(exit, Is.Zero, _trainLog);
    }

    [OneTimeTearDown]
    public static void DeleteTrained() => Directory.Delete(_trained, recursive: true);

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "supervision-serving-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        foreach (var file in Directory.GetFiles(_trained))
        {
            File.Copy(file, Path.Combine(_directory, Path.GetFileName(file)));
        }
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void TrainCommand_SimulatedSectors_WritesModelAndCardForEverySector()
    {
        Assert.That(Directory.GetFiles(_trained).Select(Path.GetFileName).Order(), Is.EqualTo(new[]
        {
            "agri.json", "agri.md", "agri.zip", "drug.json", "drug.md", "drug.zip",
            "equipment.json", "equipment.md", "equipment.zip", "food.json", "food.md", "food.zip",
        }));
        Assert.That(_trainLog, Does.Not.Contain("skipped"));
        Assert.That(_trainLog, Does.Match(@"food@1 +0\.\d{4} +0\.\d{4}"));
        var card = File.ReadAllText(Path.Combine(_trained, "food.md"));
        Assert.That(card, Does.Contain("- **Version:** food@1"));
        Assert.That(card, Does.Contain("- **Sector:** food"));
        Assert.That(card, Does.Contain("Holdout PR-AUC"));
        Assert.That(card, Does.Contain("- **Calibration:** Platt: p = 1 / (1 + exp("));
        Assert.That(card, Does.Contain("## Calibration on the holdout"));
        Assert.That(card, Does.Contain("400 simulated enterprises over 3 days, seed 5"));
    }

    [Test]
    public void TrainCommand_Again_BumpsVersion()
    {
        var exit = TrainCommand.Run(new TrainCommand.Settings(Enterprises: 400, Days: 3, Seed: 5, Output: _directory, Trees: 20), new CliContext(TextWriter.Null, TextWriter.Null, TimeProvider.System));
        Assert.That(exit, Is.Zero);
        var models = new SectorModels();
        models.Reload(_directory);
        Assert.That(models.InService(), Is.EqualTo(new[] { "food@2", "drug@2", "agri@2", "equipment@2" }));
    }

    [Test]
    public void Reload_TrainedDirectory_PutsEachSectorsModelInService()
    {
        var models = new SectorModels();
        var results = models.Reload(_directory);
        Assert.That(results.Select(r => (r.Sector, r.Status, r.InService)), Is.EqualTo(new[]
        {
            (Sector.Food, "loaded", (string?)"food@1"), (Sector.Drug, "loaded", "drug@1"), (Sector.Agri, "loaded", "agri@1"), (Sector.Equipment, "loaded", "equipment@1"),
        }));
        Assert.That(models.For(Sector.Drug)!.ModelVersion, Is.EqualTo("drug@1"));
        Assert.That(models.Reload(_directory)[0].Status, Is.EqualTo("unchanged"));
    }

    [Test]
    public void Reload_CorruptZip_ReportsErrorAndKeepsLastGoodModel()
    {
        var models = new SectorModels();
        models.Reload(_directory);
        var good = models.For(Sector.Food);
        File.WriteAllText(Path.Combine(_directory, "food.zip"), "not a zip");
        File.SetLastWriteTimeUtc(Path.Combine(_directory, "food.zip"), DateTime.UtcNow.AddMinutes(1));

        var food = models.Reload(_directory)[0];

        Assert.That(food.Status, Is.EqualTo("failed"));
        Assert.That(food.Error, Does.Contain("food.zip is not a loadable ML.NET model"));
        Assert.That(food.Error, Does.EndWith("food@1 stays in service"));
        Assert.That(models.For(Sector.Food), Is.SameAs(good));
    }

    [Test]
    public void Reload_WrongSchema_ReportsErrorAndKeepsLastGoodModel()
    {
        var models = new SectorModels();
        models.Reload(_directory);
        var info = Path.Combine(_directory, "equipment.json");
        File.WriteAllText(info, File.ReadAllText(info).Replace("\"openAlerts\"", "\"somethingElse\"", StringComparison.Ordinal).Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(info, DateTime.UtcNow.AddMinutes(1));

        var equipment = models.Reload(_directory)[3];

        Assert.That(equipment.Status, Is.EqualTo("failed"));
        Assert.That(equipment.Error, Does.Contain("was trained on features [sector, readings24h"));
        Assert.That(models.For(Sector.Equipment)!.ModelVersion, Is.EqualTo("equipment@1"));
    }

    [Test]
    public void Reload_FilesRemoved_KeepsModelAndSaysSo()
    {
        var models = new SectorModels();
        models.Reload(_directory);
        File.Delete(Path.Combine(_directory, "food.zip"));
        File.Delete(Path.Combine(_directory, "food.json"));

        var food = models.Reload(_directory)[0];

        Assert.That(food.Status, Is.EqualTo("missing"));
        Assert.That(food.Error, Does.EndWith("food.zip is gone; food@1 stays in service"));
        Assert.That(models.For(Sector.Food)!.ModelVersion, Is.EqualTo("food@1"));
    }

    [Test]
    public void Reload_NewModelDropped_ReplacesTheOneInService()
    {
        var models = new SectorModels();
        models.Reload(_directory);
        var info = Path.Combine(_directory, "food.json");
        File.WriteAllText(info, File.ReadAllText(info).Replace("\"version\": 1", "\"version\": 7", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(info, DateTime.UtcNow.AddMinutes(1));

        Assert.That(models.Reload(_directory)[0], Is.EqualTo(new ModelReload(Sector.Food, "loaded", "food@7", null)));
        Assert.That(models.For(Sector.Food)!.ModelVersion, Is.EqualTo("food@7"));
    }

    [Test]
    public void Watcher_FileDropped_ReloadsWithoutBeingAsked()
    {
        var models = new SectorModels();
        models.Reload(_directory);
        using var reloaded = new ManualResetEventSlim();
        using var watcher = new ModelDirectoryWatcher(_directory, models, TimeProvider.System, TimeSpan.FromMilliseconds(200), _ => reloaded.Set());
        var info = Path.Combine(_directory, "food.json");
        File.WriteAllText(info, File.ReadAllText(info).Replace("\"version\": 1", "\"version\": 8", StringComparison.Ordinal));

        Assert.That(reloaded.Wait(TimeSpan.FromSeconds(20)), Is.True, "the watcher did not reload within 20 s");
        Assert.That(models.For(Sector.Food)!.ModelVersion, Is.EqualTo("food@8"));
    }
}

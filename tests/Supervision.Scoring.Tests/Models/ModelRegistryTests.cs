using Supervision.Cli.Commands;
using Supervision.Cli.Terminal;
using Supervision.Cli.Training;
using Supervision.Scoring.Features;
using Supervision.Scoring.Models;
using Supervision.Scoring.Training;
using Supervision.Streaming.Rules;

namespace Supervision.Scoring.Tests.Models;

public class ModelRegistryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private static List<RiskRow> _rows = null!;
    private string _directory = null!;

    [OneTimeSetUp]
    public static void BuildRows() => _rows = TrainingSetBuilder.Build(400, 3, 5, new RuleOptions(), null);

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "supervision-models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private static RiskTrainerOptions Options(int seed = 5) => new() { Seed = seed, Trees = 20 };

    [Test]
    public void Train_SimulatorHistory_LearnsBetterThanChance()
    {
        var trained = RiskTrainer.Train(_rows, Options(), Now);
        Assert.That(trained.Info.HoldoutAuc, Is.GreaterThan(0.6));
        Assert.That(trained.Info.Features, Is.EqualTo(RiskFeatures.Names));
    }

    [Test]
    public void Train_SameSeed_SameModel()
    {
        RiskTrainer.Train(_rows, Options(), Now).Also(t => ModelRegistry.Save(Path.Combine(_directory, "a"), t));
        RiskTrainer.Train(_rows, Options(), Now).Also(t => ModelRegistry.Save(Path.Combine(_directory, "b"), t));
        var a = ModelRegistry.Load(Path.Combine(_directory, "a"), "risk");
        var b = ModelRegistry.Load(Path.Combine(_directory, "b"), "risk");
        Assert.That(b.Info with { TrainedAt = a.Info.TrainedAt }, Is.EqualTo(a.Info).Using<ModelInfo>(SameInfo));
        foreach (var row in _rows.Take(200))
        {
            Assert.That(b.Score(row.Features), Is.EqualTo(a.Score(row.Features)));
        }
    }

    [Test]
    public void SaveThenLoad_ScoresAreProbabilitiesAndRankRisk()
    {
        ModelRegistry.Save(_directory, RiskTrainer.Train(_rows, Options(), Now));
        var model = ModelRegistry.Load(_directory, "risk");
        Assert.That(model.ModelVersion, Is.EqualTo("risk@1"));
        var calm = new float[RiskFeatures.Count];
        calm[RiskFeatures.Sector] = 1;
        calm[RiskFeatures.Readings24h] = 1440;
        var troubled = (float[])calm.Clone();
        troubled[RiskFeatures.ExcursionMinutes24h] = 180;
        troubled[RiskFeatures.OverLimitShare24h] = 0.12f;
        troubled[RiskFeatures.MaxExcessC24h] = 8;
        Assert.That(model.Score(calm), Is.InRange(0.0, 1.0));
        Assert.That(model.Score(troubled), Is.GreaterThan(model.Score(calm)));
        Assert.That(File.ReadAllText(Path.Combine(_directory, "risk.md")), Does.Contain("Holdout AUC"));
    }

    [Test]
    public void NextVersion_AfterSave_Increments()
    {
        Assert.That(ModelRegistry.NextVersion(_directory, "risk"), Is.EqualTo(1));
        ModelRegistry.Save(_directory, RiskTrainer.Train(_rows, Options(), Now));
        Assert.That(ModelRegistry.NextVersion(_directory, "risk"), Is.EqualTo(2));
    }

    [Test]
    public void Train_TooFewPositives_SaysSo()
    {
        var rows = _rows.Select(r => new RiskRow { Features = r.Features, Label = false }).ToList();
        var error = Assert.Throws<TrainingDataException>(() => RiskTrainer.Train(rows, Options(), Now));
        Assert.That(error!.Message, Does.StartWith($"too few examples of a class: 0 positive and {rows.Count} negative"));
    }

    [Test]
    public void Train_WrongFeatureCount_SaysSchemaMismatch()
    {
        var rows = _rows.Select(r => new RiskRow { Features = r.Features[..5], Label = r.Label }).ToList();
        var error = Assert.Throws<TrainingDataException>(() => RiskTrainer.Train(rows, Options(), Now));
        Assert.That(error!.Message, Does.StartWith("feature schema mismatch: a row has 5 features, the model expects 11"));
    }

    [Test]
    public void Load_Missing_NamesFileAndCommand()
    {
        var error = Assert.Throws<ModelLoadException>(() => ModelRegistry.Load(_directory, "risk"));
        Assert.That(error!.Message, Does.Contain("risk.zip is missing; run 'supervision train"));
    }

    [Test]
    public void Load_CorruptZip_SaysNotLoadable()
    {
        ModelRegistry.Save(_directory, RiskTrainer.Train(_rows, Options(), Now));
        File.WriteAllText(Path.Combine(_directory, "risk.zip"), "not a zip");
        var error = Assert.Throws<ModelLoadException>(() => ModelRegistry.Load(_directory, "risk"));
        Assert.That(error!.Message, Does.Contain("is not a loadable ML.NET model"));
    }

    [Test]
    public void Load_OtherFeatures_SaysRetrain()
    {
        ModelRegistry.Save(_directory, RiskTrainer.Train(_rows, Options(), Now));
        var info = Path.Combine(_directory, "risk.json");
        File.WriteAllText(info, File.ReadAllText(info).Replace("\"openAlerts\"", "\"somethingElse\"", StringComparison.Ordinal));
        var error = Assert.Throws<ModelLoadException>(() => ModelRegistry.Load(_directory, "risk"));
        Assert.That(error!.Message, Does.Contain("retrain it"));
    }

    [Test]
    public void TrainCommand_TooFewEnterprises_ExitsNonZeroAndWritesNothing()
    {
        var log = new StringWriter();
        var exit = TrainCommand.Run(new TrainCommand.Settings(Enterprises: 10, Days: 2, Seed: 42, Output: _directory, Trees: 100), new CliContext(TextWriter.Null, log, TimeProvider.System));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(log.ToString(), Does.Contain("too few examples of a class"));
        Assert.That(Directory.GetFiles(_directory), Is.Empty);
    }

    private static bool SameInfo(ModelInfo x, ModelInfo y) =>
        x.HoldoutAuc == y.HoldoutAuc && x.HoldoutPrAuc == y.HoldoutPrAuc && x.TrainingRows == y.TrainingRows && x.Version == y.Version;
}

internal static class Extensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}

using Supervision.Streaming.Rules.Data;
using Supervision.Simulation.Feeds;
using Supervision.Streaming.Rules;

namespace Supervision.Streaming.Tests.Rules;

public class ResidueLimitsTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("residues-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void Sample_LooksUpCommodityThenSubgroupThenGroup()
    {
        var limits = ResidueLimits.Sample;
        Assert.That(limits.IsSample, Is.True);
        Assert.That(limits.TryFind("韭菜", "腐霉利", out var own) ? own : default, Is.EqualTo(new ResidueLimit(0.2, "韭菜")));
        Assert.That(limits.TryFind("芹菜", "毒死蜱", out var subgroup) ? subgroup : default, Is.EqualTo(new ResidueLimit(0.02, "叶菜类")));
        Assert.That(limits.TryFind(" 豇豆 ", "氧乐果", out var group) ? group : default, Is.EqualTo(new ResidueLimit(0.02, "蔬菜")));
        Assert.That(limits.TryFind("榴莲", "氧乐果", out _), Is.False, "an unclassified commodity has only its own limits");
    }

    [Test]
    public void Sample_AgreesWithTheLimitsTheSimulatorAssumes()
    {
        foreach (var (commodity, pesticide, mrl) in SimulatedResidues.All)
        {
            Assert.That(ResidueLimits.Sample.TryFind(commodity, pesticide, out var limit), Is.True, $"{commodity}/{pesticide}");
            Assert.That(limit.MrlMgKg, Is.EqualTo(mrl), $"{commodity}/{pesticide}");
        }
    }

    [Test]
    public void Load_OfficialTablesFromFiles_ReplacesTheSample()
    {
        var limits = ResidueLimits.Load(
            Write("limits.csv", "# official\npesticide,food,mrlMgKg\nAcephate,Leafy vegetables,1\n\nacephate,CABBAGE,5\n"),
            Write("classes.csv", "commodity,subgroup,group\nSpinach,Leafy vegetables,Vegetables\nCabbage,Brassica vegetables,Vegetables\n"));
        Assert.That(limits.IsSample, Is.False);
        Assert.That(limits.Count, Is.EqualTo(2));
        Assert.That(limits.TryFind("spinach", "ACEPHATE", out var leafy) ? leafy : default, Is.EqualTo(new ResidueLimit(1, "Leafy vegetables")));
        Assert.That(limits.TryFind("Cabbage", "Acephate", out var own) ? own.MrlMgKg : 0, Is.EqualTo(5));
        Assert.That(limits.TryFind("菠菜", "毒死蜱", out _), Is.False, "the sample is not mixed in");
    }

    [TestCase("pesticide,food,mrlMgKg\n毒死蜱,蔬菜,abc\n", "line 2: mrlMgKg 'abc' is not a positive number")]
    [TestCase("pesticide,food,mrlMgKg\n毒死蜱,蔬菜,-1\n", "line 2: mrlMgKg '-1' is not a positive number")]
    [TestCase("pesticide,food,mrlMgKg\n毒死蜱,蔬菜\n", "line 2: expected 3 fields (pesticide,food,mrlMgKg), got 2")]
    [TestCase("pesticide,food,mrlMgKg\n毒死蜱,,1\n", "line 2: food is empty")]
    [TestCase("pesticide,food,mrlMgKg\n毒死蜱,蔬菜,1\n毒死蜱,蔬菜,2\n", "line 3: a limit for 毒死蜱 on 蔬菜 is listed twice")]
    [TestCase("pesticide;food;mrl\n", "line 1: expected the header 'pesticide,food,mrlMgKg', got 'pesticide;food;mrl'")]
    [TestCase("# nothing\n", "no header line 'pesticide,food,mrlMgKg'")]
    public void Load_BadLimitsFile_NamesFileAndLine(string text, string expected)
    {
        var path = Write("limits.csv", text);
        var error = Assert.Throws<RuleDataException>(() => ResidueLimits.Load(path, null));
        Assert.That(error!.Message, Is.EqualTo(path + (expected.StartsWith("line", StringComparison.Ordinal) ? " " : ": ") + expected));
    }

    [Test]
    public void Load_CommodityClassifiedTwice_IsRefused()
    {
        var path = Write("classes.csv", "commodity,subgroup,group\n菠菜,叶菜类,蔬菜\n菠菜,茎菜类,蔬菜\n");
        var error = Assert.Throws<RuleDataException>(() => ResidueLimits.Load(null, path));
        Assert.That(error!.Message, Is.EqualTo($"{path} line 3: commodity '菠菜' is classified twice"));
    }

    [Test]
    public void Validate_MissingFile_NamesTheKeyAndThePath()
    {
        var options = new RuleOptions { ResidueLimitsFile = Path.Combine(_directory, "absent.csv") };
        var error = Assert.Throws<RuleDataException>(() => RuleSet.Load(options));
        Assert.That(error!.Message, Does.StartWith("Rules:ResidueLimitsFile / Rules:FoodClassificationFile: " + options.ResidueLimitsFile + ": cannot be read"));
    }
}

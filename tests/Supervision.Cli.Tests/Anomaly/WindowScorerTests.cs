using Supervision.Cli.Anomaly;

namespace Supervision.Cli.Tests.Anomaly;

public class WindowScorerTests
{
    // 200 readings a minute apart, one anomaly labelled at readings 100-149: its window is 95-149; probation 0-29.
    private static readonly EvaluationSeries Series = new(
        "test",
        [.. Enumerable.Range(0, 200).Select(i => TimeSpan.FromMinutes(i).Ticks)],
        new double[200],
        [new LabelledWindow("labelled", 100, 149)]);

    private static double[] Flags(params int[] at)
    {
        var scores = new double[200];
        foreach (var t in at)
        {
            scores[t] = 1;
        }
        return scores;
    }

    [Test]
    public void Score_FlagAtTheWindowStart_FullRewardNoPenalty()
    {
        var score = WindowScorer.Score(Series, Flags(95), 0.9);
        Assert.That((score.Windows, score.Detected, score.FalsePositives), Is.EqualTo((1, 1, 0L)));
        Assert.That(score.Reward, Is.EqualTo(WindowScorer.MaxReward));
        Assert.That(score.Normalised, Is.EqualTo(100).Within(1e-9));
        Assert.That(score.DelaySeconds, Is.EqualTo(new[] { -300.0 }));
    }

    [Test]
    public void Score_LaterFlagsInTheWindow_EarnLessAndOnlyTheFirstCounts()
    {
        var early = WindowScorer.Score(Series, Flags(100, 140), 0.9);
        var late = WindowScorer.Score(Series, Flags(140), 0.9);
        Assert.That(early.Reward, Is.EqualTo((2 / (1 + Math.Exp(5 * ((5.0 / 55) - 1)))) - 1).Within(1e-12));
        Assert.That(late.Reward, Is.LessThan(early.Reward));
        Assert.That(early.Detected, Is.EqualTo(1));
    }

    [Test]
    public void Score_FlagsOutsideWindows_CostEachAndProbationIsFree()
    {
        var score = WindowScorer.Score(Series, Flags(10, 60, 61, 170), 0.9);
        Assert.That(score.FalsePositives, Is.EqualTo(3));
        Assert.That(score.Detected, Is.Zero);
        Assert.That(score.Raw, Is.EqualTo(-1 - (3 * 0.11)).Within(1e-12));
        Assert.That(score.Normalised, Is.LessThan(0));
    }

    [Test]
    public void Score_NeverFlags_NormalisedZero()
    {
        Assert.That(WindowScorer.Score(Series, new double[200], 0.9).Normalised, Is.Zero);
    }

    [Test]
    public void Normal_ExcludesProbationWindowsAndGrace()
    {
        var normal = WindowScorer.Normal(Series, 200);
        Assert.That(normal.Count(n => n), Is.EqualTo(200 - 30 - 55 - 5));
        Assert.That(normal[29], Is.False);
        Assert.That(normal[94], Is.True);
        Assert.That(normal[154], Is.False);
        Assert.That(normal[155], Is.True);
    }
}

using System.Runtime.ExceptionServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Supervision.Scoring.Compiled;
using Supervision.Scoring.Features;
using Supervision.Scoring.Models;
using Supervision.Scoring.Training;

namespace Supervision.Scoring.Tests.Compiled;

public class CompiledForestTests
{
    private const int ParityRows = 100_000;
    private const double Tolerance = 1e-5;

    [Test]
    public void Probability_CategoricalModelWithMissingValues_MatchesPredictionEngineOn100kRows()
    {
        var context = new MLContext(3);
        var training = context.Data.LoadFromEnumerable(MixedRows(20_000, new Random(1)));
        var pipeline = context.Transforms.Categorical.OneHotEncoding(nameof(MixedRow.Category))
            .Append(context.Transforms.Concatenate("Features", nameof(MixedRow.Numbers), nameof(MixedRow.Category)))
            .Append(context.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                NumberOfTrees = 60,
                NumberOfLeaves = 20,
                CategoricalSplit = true,
                NumberOfThreads = 1,
                Seed = 3,
            }));
        var fitted = pipeline.Fit(training);
        // Round-trip through a file: the server compiles models loaded from disk, not fresh ones.
        var path = Path.Combine(Path.GetTempPath(), $"supervision-categorical-{Guid.NewGuid():N}.zip");
        context.Model.Save(fitted, training.Schema, path);
        var model = context.Model.Load(path, out _);
        File.Delete(path);

        var rows = MixedRows(ParityRows, new Random(2));
        var featurized = context.Data.CreateEnumerable<FeaturizedRow>(model.Transform(context.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToList();
        var width = featurized[0].Features.Length;
        var compiled = CompiledForest.Compile(model, width);
        var walked = CompiledForest.Compile(model, width, binned: false);
        var engine = context.Model.CreatePredictionEngine<MixedRow, MixedPrediction>(model);
        Assert.That(compiled.Evaluation, Is.EqualTo(ForestEvaluation.BinnedMasks), "20 leaves a tree: 32-bit masks");

        var categoricalNodes = 0;
        var worst = 0.0;
        var batch = new float[ParityRows * width];
        for (var i = 0; i < ParityRows; i++)
        {
            var expected = engine.Predict(rows[i]).Probability;
            var actual = compiled.Probability(featurized[i].Features);
            worst = Math.Max(worst, Math.Abs(expected - actual));
            worst = Math.Max(worst, Math.Abs(expected - walked.Probability(featurized[i].Features)));
            featurized[i].Features.CopyTo(batch, i * width);
        }
        var batched = new float[ParityRows];
        compiled.ProbabilityBatch(batch, batched);
        for (var i = 0; i < ParityRows; i++)
        {
            worst = Math.Max(worst, Math.Abs(batched[i] - compiled.Probability(featurized[i].Features)));
        }
        categoricalNodes = CountCategoricalSplits(model);
        Assert.That(categoricalNodes, Is.GreaterThan(0), "the model must split on the categorical feature, or the test proves nothing about it");
        Assert.That(rows.Count(r => float.IsNaN(r.Numbers[0]) || float.IsNaN(r.Numbers[1])), Is.GreaterThan(ParityRows / 20));
        Assert.That(worst, Is.LessThanOrEqualTo(Tolerance));
    }

    [TestCase("food")]
    [TestCase("equipment")]
    [TestCase("drug")]
    [TestCase("agri")]
    public void Probability_RiskModelWithMissingValues_MatchesPredictionEngineOn100kRows(string sector)
    {
        var model = ModelRegistry.Load(CommittedModels, sector);
        Assert.That(model.Compiled.Evaluation, Is.EqualTo(ForestEvaluation.BinnedMasks), "which evaluation this test covers");
        var walked = CompiledForest.Compile(model.Model, RiskFeatures.Count, binned: false);
        var random = new Random(4);
        var rows = new float[ParityRows * RiskFeatures.Count];
        var expected = new double[ParityRows];
        var worst = 0.0;
        for (var i = 0; i < ParityRows; i++)
        {
            var row = rows.AsSpan(i * RiskFeatures.Count, RiskFeatures.Count);
            RandomRiskRow(random, row);
            expected[i] = model.ReferenceScore(row);
            worst = Math.Max(worst, Math.Abs(expected[i] - model.Compiled.Probability(row)));
            worst = Math.Max(worst, Math.Abs(expected[i] - walked.Probability(row)));
        }
        // An odd count, so the batch's last chunk is partial.
        var batched = new float[ParityRows - 3];
        model.Compiled.ProbabilityBatch(rows.AsSpan(0, batched.Length * RiskFeatures.Count), batched);
        for (var i = 0; i < batched.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - batched[i]));
        }
        walked.ProbabilityBatch(rows.AsSpan(0, batched.Length * RiskFeatures.Count), batched);
        for (var i = 0; i < batched.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(expected[i] - batched[i]));
        }
        Assert.That(worst, Is.LessThanOrEqualTo(Tolerance));
    }

    [Test]
    public void Probability_DeepTreesWithManyThresholds_MatchesPredictionEngine()
    {
        // 40 leaves a tree (64-bit masks) and up to 1,000 bins a feature (more thresholds than two key levels hold,
        // so the bin is found by binary search): the layouts the risk models do not exercise.
        var context = new MLContext(7);
        var random = new Random(7);
        var training = context.Data.LoadFromEnumerable(Enumerable.Range(0, 20_000).Select(_ => SmoothRow(random)).ToList());
        var model = context.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = 30,
            NumberOfLeaves = 40,
            MinimumExampleCountPerLeaf = 5,
            MaximumBinCountPerFeature = 1000,
            NumberOfThreads = 1,
            Seed = 7,
        }).Fit(training);
        var compiled = CompiledForest.Compile(model, RiskFeatures.Count);
        var engine = context.Model.CreatePredictionEngine<RiskRow, MixedPrediction>(model);
        Assert.That(compiled.Evaluation, Is.EqualTo(ForestEvaluation.BinnedMasks));
        Assert.That(ThresholdsPerFeature(model).Max(), Is.GreaterThan(271), "the test must reach the binary search");

        var worst = 0.0;
        for (var i = 0; i < 20_000; i++)
        {
            var row = SmoothRow(random);
            worst = Math.Max(worst, Math.Abs(engine.Predict(row).Probability - compiled.Probability(row.Features)));
        }
        Assert.That(worst, Is.LessThanOrEqualTo(Tolerance));
    }

    [Test]
    public void Attribute_EveryFeatureSplitOn_EqualsTheWalkAndPredictionEngine()
    {
        // Records hold only the features split on; with all eleven split on they take two vectors, not one.
        var context = new MLContext(11);
        var random = new Random(11);
        var training = context.Data.LoadFromEnumerable(Enumerable.Range(0, 20_000).Select(_ => WideRow(random)).ToList());
        var model = context.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = 40,
            NumberOfLeaves = 16,
            NumberOfThreads = 1,
            Seed = 11,
        }).Fit(training);
        var compiled = CompiledForest.Compile(model, RiskFeatures.Count);
        var engine = context.Model.CreatePredictionEngine<RiskRow, MixedPrediction>(model);
        Assert.That(ThresholdsPerFeature(model).Count(), Is.GreaterThan(8), "the test must split on more features than one record vector holds");

        const int Rows = 5_000;
        var rows = new float[Rows * RiskFeatures.Count];
        var worst = 0.0;
        var fast = new double[RiskFeatures.Count];
        var walked = new double[RiskFeatures.Count];
        for (var i = 0; i < Rows; i++)
        {
            var row = WideRow(random);
            row.Features.CopyTo(rows, i * RiskFeatures.Count);
            worst = Math.Max(worst, Math.Abs(engine.Predict(row).Probability - compiled.Probability(row.Features)));
            Array.Clear(fast);
            Array.Clear(walked);
            Assert.That(compiled.Attribute(row.Features, fast), Is.EqualTo(compiled.AttributeByWalk(row.Features, walked)).Within(1e-5));
            for (var f = 0; f < RiskFeatures.Count; f++)
            {
                Assert.That(fast[f], Is.EqualTo(walked[f]).Within(1e-9), $"row {i}, feature {f}");
            }
        }
        var margins = new float[Rows];
        var contributions = new double[Rows * RiskFeatures.Count];
        compiled.AttributeBatch(rows, margins, contributions);
        for (var i = 0; i < Rows; i++)
        {
            Array.Clear(walked);
            Assert.That(margins[i], Is.EqualTo(compiled.AttributeByWalk(rows.AsSpan(i * RiskFeatures.Count, RiskFeatures.Count), walked)).Within(1e-5));
            for (var f = 0; f < RiskFeatures.Count; f++)
            {
                Assert.That(contributions[(i * RiskFeatures.Count) + f], Is.EqualTo(walked[f]).Within(1e-9), $"batch row {i}, feature {f}");
            }
        }
        Assert.That(worst, Is.LessThanOrEqualTo(Tolerance));
    }

    [TestCase("food")]
    [TestCase("equipment")]
    [TestCase("drug")]
    [TestCase("agri")]
    public void Attribute_RiskModel_EqualsTheWalksAttribution(string sector)
    {
        var model = ModelRegistry.Load(CommittedModels, sector);
        var random = new Random(6);
        var row = new float[RiskFeatures.Count];
        var fast = new double[RiskFeatures.Count];
        var walked = new double[RiskFeatures.Count];
        for (var i = 0; i < 20_000; i++)
        {
            RandomRiskRow(random, row);
            Array.Clear(fast);
            Array.Clear(walked);
            var margin = model.Compiled.Attribute(row, fast);
            var walkedMargin = model.Compiled.AttributeByWalk(row, walked);
            Assert.That(margin, Is.EqualTo(walkedMargin).Within(1e-5));
            for (var f = 0; f < RiskFeatures.Count; f++)
            {
                Assert.That(fast[f], Is.EqualTo(walked[f]).Within(1e-9), $"row {i}, feature {RiskFeatures.Names[f]}");
            }
        }
    }

    [TestCase("food")]
    [TestCase("equipment")]
    [TestCase("drug")]
    [TestCase("agri")]
    public void ScoreBatch_RiskModel_GivesTheSingleRowScoresAndContributions(string sector)
    {
        IRiskScorer model = ModelRegistry.Load(CommittedModels, sector);
        var random = new Random(9);
        const int Rows = 1_003;
        var rows = new float[Rows * RiskFeatures.Count];
        for (var i = 0; i < Rows; i++)
        {
            RandomRiskRow(random, rows.AsSpan(i * RiskFeatures.Count, RiskFeatures.Count));
        }
        var scores = new double[Rows];
        var attributedScores = new double[Rows];
        var contributions = new double[Rows * RiskFeatures.Count];

        model.ScoreBatch(rows, scores);
        model.ScoreBatch(rows, attributedScores, contributions);

        var single = new double[RiskFeatures.Count];
        for (var i = 0; i < Rows; i++)
        {
            var row = rows.AsSpan(i * RiskFeatures.Count, RiskFeatures.Count);
            var score = model.Score(row, single);
            // Batches add the same leaves in another order: equal to float precision, contributions to double's.
            Assert.That(scores[i], Is.EqualTo(model.Score(row)).Within(1e-6), $"row {i}");
            Assert.That(attributedScores[i], Is.EqualTo(score).Within(1e-6), $"row {i}");
            for (var f = 0; f < RiskFeatures.Count; f++)
            {
                Assert.That(contributions[(i * RiskFeatures.Count) + f], Is.EqualTo(single[f]).Within(1e-12), $"row {i}, feature {RiskFeatures.Names[f]}");
            }
        }
    }

    [Test]
    public void AttributeBatch_ForestWalked_GivesTheSingleRowAttributions()
    {
        var model = ModelRegistry.Load(CommittedModels, "food");
        var walked = CompiledForest.Compile(model.Model, RiskFeatures.Count, binned: false);
        var random = new Random(10);
        const int Rows = 100;
        var rows = new float[Rows * RiskFeatures.Count];
        for (var i = 0; i < Rows; i++)
        {
            RandomRiskRow(random, rows.AsSpan(i * RiskFeatures.Count, RiskFeatures.Count));
        }
        var margins = new float[Rows];
        var contributions = new double[Rows * RiskFeatures.Count];

        walked.AttributeBatch(rows, margins, contributions);

        var single = new double[RiskFeatures.Count];
        for (var i = 0; i < Rows; i++)
        {
            Array.Clear(single);
            Assert.That(margins[i], Is.EqualTo(walked.Attribute(rows.AsSpan(i * RiskFeatures.Count, RiskFeatures.Count), single)));
            Assert.That(contributions.AsSpan(i * RiskFeatures.Count, RiskFeatures.Count).ToArray(), Is.EqualTo(single));
        }
    }

    [Test]
    public void Scoring_SteadyState_AllocatesNothing()
    {
        var model = ModelRegistry.Load(CommittedModels, "food");
        var random = new Random(8);
        var rows = new float[256 * RiskFeatures.Count];
        for (var i = 0; i < 256; i++)
        {
            RandomRiskRow(random, rows.AsSpan(i * RiskFeatures.Count, RiskFeatures.Count));
        }
        var probabilities = new float[256];
        var scores = new double[256];
        var contributions = new double[RiskFeatures.Count];
        var batchContributions = new double[256 * RiskFeatures.Count];
        IRiskScorer scorer = model;
        var sum = Score();
        var before = GC.GetAllocatedBytesForCurrentThread();
        sum += Score();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        Assert.That(sum, Is.GreaterThan(0));

        double Score()
        {
            var total = 0.0;
            model.Compiled.ProbabilityBatch(rows, probabilities);
            scorer.ScoreBatch(rows, scores);
            scorer.ScoreBatch(rows, scores, batchContributions);
            for (var i = 0; i < 256; i++)
            {
                var row = rows.AsSpan(i * RiskFeatures.Count, RiskFeatures.Count);
                total += probabilities[i] + model.Compiled.Probability(row) + scorer.Score(row) + scorer.Score(row, contributions);
            }
            return total;
        }
    }

    [Test]
    public void Attribute_AnyRow_ContributionsSumToMarginMinusBase()
    {
        var model = ModelRegistry.Load(CommittedModels, "food");
        var random = new Random(5);
        var row = new float[RiskFeatures.Count];
        var contributions = new double[RiskFeatures.Count];
        var walked = new double[RiskFeatures.Count];
        for (var i = 0; i < 1000; i++)
        {
            RandomRiskRow(random, row);
            Array.Clear(contributions);
            var margin = model.Compiled.Attribute(row, contributions);
            Assert.That(contributions.Sum(), Is.EqualTo(margin - model.Compiled.BaseMargin).Within(1e-4));
            Assert.That(margin, Is.EqualTo(model.Compiled.AttributeByWalk(row, walked)).Within(1e-5), "the per-leaf records and the walk agree");
        }
    }

    [Test]
    public void Margin_OnlySingleLeafTrees_IsBiasPlusTheLeaves()
    {
        // No feature is split on, so there is nothing to bin: the walk scores it.
        var compiled = Compiled(new Forest(3, [TreeBuilder.Leaf(1), TreeBuilder.Leaf(2)], 0.5));
        float[] rows = [0, 1, 2, float.NaN, 4, 5, -1, -2, -3];
        var margins = new float[3];

        compiled.MarginBatch(rows, margins);

        Assert.That(compiled.Margin(rows.AsSpan(0, 3)), Is.EqualTo(3.5f));
        Assert.That(margins, Is.EqualTo(new[] { 3.5f, 3.5f, 3.5f }));
        Assert.That(compiled.Evaluation, Is.EqualTo(ForestEvaluation.TreeWalk));
    }

    [Test]
    public void Margin_SingleLeafTreeBesideASplit_AddsItsLeafInBothEvaluations()
    {
        var forest = new Forest(1, [TreeBuilder.Leaf(1), TreeBuilder.Stump(0, 0.5f, -1, 2)], 0.5);
        var compiled = Compiled(forest);
        float[] rows = [0, 0.5f, 1, float.NaN];
        var margins = new float[4];
        var contributions = new double[4];
        var attributed = new float[4];

        compiled.MarginBatch(rows, margins);
        compiled.AttributeBatch(rows, attributed, contributions);

        Assert.That(compiled.Evaluation, Is.EqualTo(ForestEvaluation.BinnedMasks));
        Assert.That(rows.Select(x => compiled.Margin([x])), Is.EqualTo(new[] { 0.5f, 0.5f, 3.5f, 3.5f }));
        Assert.That(margins, Is.EqualTo(new[] { 0.5f, 0.5f, 3.5f, 3.5f }));
        Assert.That(attributed, Is.EqualTo(new[] { 0.5f, 0.5f, 3.5f, 3.5f }));
        Assert.That(contributions, Is.EqualTo(new[] { -1.5, -1.5, 1.5, 1.5 }));
    }

    [Test]
    public void MarginBatch_MoreFeaturesSplitOnThanTheCap_IsWalkedOnA256KbStack()
    {
        // 550 trees of 15 nodes, each node on a feature of its own: 8,250 features split on, whose bin offsets alone
        // took 264 KB of a batch's stack.
        const int Trees = 550, Features = Trees * 15;
        var random = new Random(12);
        var forest = new Forest(Features, [.. Enumerable.Range(0, Trees).Select(t => TreeBuilder.Balanced(random, 16, t * 15, Features, [1, 2, 3, 4]))], 0.25);
        var compiled = Compiled(forest);
        var rows = WideRows(random, 19, Features);
        var margins = new float[19];

        OnSmallStack(() => compiled.MarginBatch(rows, margins));

        Assert.That(compiled.Evaluation, Is.EqualTo(ForestEvaluation.TreeWalk));
        for (var i = 0; i < margins.Length; i++)
        {
            Assert.That(margins[i], Is.EqualTo((float)forest.Margin(rows.AsSpan(i * Features, Features))), $"row {i}");
        }
    }

    [Test]
    public void MarginBatch_AtEveryCap_IsBinnedAndFitsA256KbStack()
    {
        // 2,048 trees of 16 leaves (4 KB of masks a row) on 512 features: the largest batch frame (112 KB without
        // AVX-512, see BinnedEnsemble.MaxStride).
        const int Trees = 2048, Features = 512;
        var random = new Random(13);
        var forest = new Forest(Features, [.. Enumerable.Range(0, Trees).Select(t => TreeBuilder.Balanced(random, 16, t * 15, Features, [1, 2, 3, 4]))], 0.25);
        var compiled = Compiled(forest);
        var rows = WideRows(random, 19, Features);
        var margins = new float[19];
        var attributed = new float[19];
        var contributions = new double[19 * Features];
        // Compiled before the small stack: the JIT's frames are not what is measured.
        compiled.MarginBatch(rows, margins);
        compiled.AttributeBatch(rows, attributed, contributions);

        OnSmallStack(() =>
        {
            compiled.MarginBatch(rows, margins);
            compiled.AttributeBatch(rows, attributed, contributions);
        });

        Assert.That(compiled.Evaluation, Is.EqualTo(ForestEvaluation.BinnedMasks));
        for (var i = 0; i < margins.Length; i++)
        {
            var walked = (float)forest.Margin(rows.AsSpan(i * Features, Features));
            Assert.That(margins[i], Is.EqualTo(walked).Within(1e-5), $"row {i}");
            Assert.That(attributed[i], Is.EqualTo(walked).Within(1e-5), $"row {i}");
        }
    }

    [Test]
    public void Compile_ForestArraysChangedOutOfShape_FallsBackToTheWalk()
    {
        // Tree 0: node 0 (feature 0) → node 1 (feature 1) or a leaf. Pointing node 0 past node 1 leaves node 1 in no
        // tree; binned, its mask (nothing live) would be ANDed into tree 0's and the exit read far outside the leaves.
        var tree = TreeArrays.Numerical([1, ~1], [~0, ~2], [0, 1], [0.5f, 0.5f], [1, 2, 3]);
        var forest = new Forest(2, [tree, TreeBuilder.Stump(1, 0.25f, 10, 20)], 0);
        forest.Left[0] = forest.Left[1];
        var compiled = Compiled(forest);
        float[] row = [0, 1];

        Assert.That(compiled.Margin(row), Is.EqualTo(22f));
        Assert.That(forest.ShapeError(), Is.EqualTo("tree 0 reaches 2 leaves, not its 3"));
        Assert.That(compiled.Evaluation, Is.EqualTo(ForestEvaluation.TreeWalk));
    }

    [TestCase(2, 16)]
    [TestCase(17, 32)]
    [TestCase(33, 64)]
    public void MarginBatchAndAttributeBatch_RandomTreesOfUpTo64Leaves_EqualTheWalk(int fewestLeaves, int mostLeaves)
    {
        // Random shapes at the bounds of each mask width (16, 32, 64 bits), few thresholds so rows land on them,
        // and every row of the batch a row of the single-row paths too.
        const int Trees = 37, Features = 11, Rows = 203;
        var random = new Random(mostLeaves);
        float[] thresholds = [-1, 0, 0.5f, 1, 2, 3.25f];
        var trees = Enumerable.Range(0, Trees).Select(t => TreeBuilder.Random(random, t == 0 ? mostLeaves : t == 1 ? fewestLeaves : random.Next(fewestLeaves, mostLeaves + 1), Features, thresholds)).ToList();
        var forest = new Forest(Features, trees, -0.125);
        var compiled = Compiled(forest);
        var walked = Compiled(forest, binned: false);
        var rows = new float[Rows * Features];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = random.Next(5) switch
            {
                0 => float.NaN,
                1 => thresholds[random.Next(thresholds.Length)],
                _ => (float)((random.NextDouble() * 5) - 1.5),
            };
        }
        var margins = new float[Rows];
        var attributed = new float[Rows];
        var contributions = new double[Rows * Features];
        var expectedMargins = new float[Rows];
        var expectedAttributed = new float[Rows];
        var expectedContributions = new double[Rows * Features];

        compiled.MarginBatch(rows, margins);
        compiled.AttributeBatch(rows, attributed, contributions);
        walked.MarginBatch(rows, expectedMargins);
        walked.AttributeBatch(rows, expectedAttributed, expectedContributions);

        Assert.That(compiled.Evaluation, Is.EqualTo(ForestEvaluation.BinnedMasks));
        var single = new double[Features];
        for (var i = 0; i < Rows; i++)
        {
            var row = rows.AsSpan(i * Features, Features);
            Array.Clear(single);
            Assert.That(margins[i], Is.EqualTo(expectedMargins[i]).Within(1e-6), $"row {i}");
            Assert.That(attributed[i], Is.EqualTo(expectedMargins[i]).Within(1e-6), $"row {i}");
            Assert.That(compiled.Margin(row), Is.EqualTo(expectedMargins[i]).Within(1e-6), $"row {i}");
            Assert.That(compiled.Attribute(row, single), Is.EqualTo(expectedAttributed[i]).Within(1e-6), $"row {i}");
            for (var f = 0; f < Features; f++)
            {
                Assert.That(contributions[(i * Features) + f], Is.EqualTo(expectedContributions[(i * Features) + f]).Within(1e-9), $"row {i}, feature {f}");
                Assert.That(single[f], Is.EqualTo(expectedContributions[(i * Features) + f]).Within(1e-9), $"row {i}, feature {f}");
            }
        }
    }

    [Test]
    public void Probability_EdgeValuesAtEveryThreshold_MatchesPredictionEngineAndTheWalk()
    {
        var model = ModelRegistry.Load(CommittedModels, "food");
        var walked = CompiledForest.Compile(model.Model, RiskFeatures.Count, binned: false);
        var rows = EdgeRows(model.Model);
        var count = rows.Length / RiskFeatures.Count;
        var batched = new float[count];
        // A short batch too: one partial block, the rows it leaves empty never written.
        var shortBatch = new float[3];

        model.Compiled.ProbabilityBatch(rows, batched);
        model.Compiled.ProbabilityBatch(rows.AsSpan(0, 3 * RiskFeatures.Count), shortBatch);

        Assert.That(count % 8, Is.Not.Zero, "the test must end in a partial block");
        var worst = 0.0;
        for (var i = 0; i < count; i++)
        {
            var row = rows.AsSpan(i * RiskFeatures.Count, RiskFeatures.Count);
            var expected = model.ReferenceScore(row);
            var single = model.Compiled.Probability(row);
            worst = Math.Max(worst, Math.Abs(expected - single));
            worst = Math.Max(worst, Math.Abs(expected - batched[i]));
            worst = Math.Max(worst, Math.Abs(expected - walked.Probability(row)));
            Assert.That(model.Compiled.Margin(row), Is.EqualTo(walked.Margin(row)).Within(1e-5), $"row {i}: {string.Join(", ", row.ToArray())}");
            Assert.That(batched[i], Is.EqualTo(single).Within(1e-6), $"row {i}");
            if (i < shortBatch.Length)
            {
                Assert.That(shortBatch[i], Is.EqualTo(single).Within(1e-6), $"row {i} of the short batch");
            }
        }
        Assert.That(worst, Is.LessThanOrEqualTo(Tolerance));
    }

    [Test]
    public void Attribute_EdgeValuesAtEveryThreshold_EqualsTheWalk()
    {
        var model = ModelRegistry.Load(CommittedModels, "food");
        var rows = EdgeRows(model.Model);
        var count = rows.Length / RiskFeatures.Count;
        var margins = new float[count];
        var contributions = new double[rows.Length];

        model.Compiled.AttributeBatch(rows, margins, contributions);

        var single = new double[RiskFeatures.Count];
        var walked = new double[RiskFeatures.Count];
        for (var i = 0; i < count; i++)
        {
            var row = rows.AsSpan(i * RiskFeatures.Count, RiskFeatures.Count);
            Array.Clear(single);
            Array.Clear(walked);
            var walkedMargin = model.Compiled.AttributeByWalk(row, walked);
            Assert.That(model.Compiled.Attribute(row, single), Is.EqualTo(walkedMargin).Within(1e-5), $"row {i}");
            Assert.That(margins[i], Is.EqualTo(walkedMargin).Within(1e-5), $"batch row {i}");
            for (var f = 0; f < RiskFeatures.Count; f++)
            {
                Assert.That(single[f], Is.EqualTo(walked[f]).Within(1e-9), $"row {i}, feature {RiskFeatures.Names[f]}");
                Assert.That(contributions[(i * RiskFeatures.Count) + f], Is.EqualTo(walked[f]).Within(1e-9), $"batch row {i}, feature {RiskFeatures.Names[f]}");
            }
        }
    }

    [Test]
    public void Score_MoreExcursionMinutes_RaisesScoreAndItsContribution()
    {
        var model = ModelRegistry.Load(CommittedModels, "food");
        var calm = new float[RiskFeatures.Count];
        calm[RiskFeatures.Sector] = 1;
        calm[RiskFeatures.Readings24h] = 1440;
        var troubled = (float[])calm.Clone();
        troubled[RiskFeatures.ExcursionMinutes24h] = 120;
        troubled[RiskFeatures.OverLimitShare24h] = 120f / 1440;
        var calmContributions = new double[RiskFeatures.Count];
        var troubledContributions = new double[RiskFeatures.Count];

        var calmScore = ((IRiskScorer)model).Score(calm, calmContributions);
        var troubledScore = ((IRiskScorer)model).Score(troubled, troubledContributions);

        Assert.That(troubledScore, Is.GreaterThan(calmScore));
        Assert.That(troubledContributions[RiskFeatures.ExcursionMinutes24h], Is.GreaterThan(calmContributions[RiskFeatures.ExcursionMinutes24h]));
        Assert.That(troubledContributions[RiskFeatures.ExcursionMinutes24h], Is.GreaterThan(0));
        Assert.That(troubledScore, Is.EqualTo(model.ReferenceScore(troubled)).Within(Tolerance));
    }

    [Test]
    public void Compile_NotAFastTreeModel_SaysWhatItIs()
    {
        var context = new MLContext(1);
        var data = context.Data.LoadFromEnumerable(MixedRows(500, new Random(1)).Select(r => new RiskRow { Features = [r.Numbers[0] is var x && float.IsNaN(x) ? 0 : x, .. new float[RiskFeatures.Count - 1]], Label = r.Label }));
        var model = context.BinaryClassification.Trainers.SdcaLogisticRegression(nameof(RiskRow.Label), nameof(RiskRow.Features)).Fit(data);
        var error = Assert.Throws<ModelCompileException>(() => CompiledForest.Compile(model, RiskFeatures.Count));
        Assert.That(error!.Message, Does.StartWith("the model's predictor is LinearBinaryModelParameters, not FastTree binary"));
    }

    private static string CommittedModels => Path.Combine(RepositoryRoot(), "models");

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Supervision.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Supervision.sln not found above " + AppContext.BaseDirectory);
    }

    // Realistic ranges, one value in ten missing.
    private static void RandomRiskRow(Random random, Span<float> row)
    {
        row[RiskFeatures.Sector] = 1;
        row[RiskFeatures.Readings24h] = random.Next(0, 4400);
        row[RiskFeatures.ExcursionMinutes24h] = random.NextDouble() < 0.5 ? 0 : random.Next(0, 400);
        row[RiskFeatures.OverLimitShare24h] = (float)(random.NextDouble() * 0.3);
        row[RiskFeatures.TrappedEvents24h] = 0;
        row[RiskFeatures.MaxExcessC24h] = (float)(random.NextDouble() * 10);
        row[RiskFeatures.OpenAlerts] = random.Next(0, 4);
        for (var f = 1; f < row.Length; f++)
        {
            if (random.NextDouble() < 0.1)
            {
                row[f] = float.NaN;
            }
        }
    }

    // Two smooth features and a noisy one, with a tenth of the values missing.
    private static RiskRow SmoothRow(Random random)
    {
        var features = new float[RiskFeatures.Count];
        for (var f = 0; f < 3; f++)
        {
            features[f] = random.NextDouble() < 0.1 ? float.NaN : (float)(random.NextDouble() * 100);
        }
        var logit = Math.Sin((float.IsNaN(features[0]) ? 50 : features[0]) / 8) + ((float.IsNaN(features[1]) ? 50 : features[1]) / 25) - 2 + (random.NextDouble() - 0.5);
        return new RiskRow { Features = features, Label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)) };
    }

    // Every feature carries some of the signal, a twentieth of the values missing.
    private static RiskRow WideRow(Random random)
    {
        var features = new float[RiskFeatures.Count];
        var logit = -1.0;
        for (var f = 0; f < features.Length; f++)
        {
            var value = (float)(random.NextDouble() * 10);
            logit += (f % 2 == 0 ? 0.25 : -0.2) * value;
            features[f] = random.NextDouble() < 0.05 ? float.NaN : value;
        }
        return new RiskRow { Features = features, Label = random.NextDouble() < 1 / (1 + Math.Exp(-logit)) };
    }

    private static CompiledForest Compiled(Forest forest, bool binned = true) => new(forest, -1, 0, binned);

    // Runs on a thread of 256 KB of stack (a small one: .NET's default is 1.5 MB), rethrowing what it threw. Too much
    // stackalloc ends the process, so a regression fails the whole run, loudly.
    private static void OnSmallStack(Action action)
    {
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    action();
                }
                catch (Exception e)
                {
                    error = ExceptionDispatchInfo.Capture(e);
                }
            },
            256 << 10);
        thread.Start();
        thread.Join();
        error?.Throw();
    }

    // Values 0 to 5 (on and between the thresholds 1 to 4), a tenth missing.
    private static float[] WideRows(Random random, int count, int features)
    {
        var rows = new float[count * features];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = random.NextDouble() < 0.1 ? float.NaN : random.Next(0, 11) / 2f;
        }
        return rows;
    }

    // Realistic rows with one feature changed to each of its thresholds, the floats either side of each, and the
    // values a comparison can trip on (infinities, signed zeros, NaN, the extremes, the smallest subnormals).
    private static float[] EdgeRows(ITransformer model)
    {
        float[] specials = [float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.NaN, float.MaxValue, float.MinValue, float.Epsilon, -float.Epsilon];
        var thresholds = FastTreeOf(model).TrainedTreeEnsemble.Trees
            .SelectMany(t => t.NumericalSplitFeatureIndexes.Zip(t.NumericalSplitThresholds))
            .ToLookup(split => split.First, split => split.Second);
        var random = new Random(14);
        var rows = new List<float>();
        for (var b = 0; b < 3; b++)
        {
            var row = new float[RiskFeatures.Count];
            RandomRiskRow(random, row);
            for (var f = 0; f < RiskFeatures.Count; f++)
            {
                var values = thresholds[f].Distinct().SelectMany(t => new[] { t, MathF.BitDecrement(t), MathF.BitIncrement(t) }).Concat(specials);
                foreach (var value in values)
                {
                    var edge = (float[])row.Clone();
                    edge[f] = value;
                    rows.AddRange(edge);
                }
            }
        }
        Assert.That(thresholds.Count, Is.GreaterThan(3), "the model must split on several features, or the test proves little");
        // Trimmed to end in a partial block of the batch.
        var count = rows.Count / RiskFeatures.Count;
        return [.. rows.Take((count - (count % 8 == 0 ? 1 : 0)) * RiskFeatures.Count)];
    }

    private static FastTreeBinaryModelParameters FastTreeOf(ITransformer model)
    {
        var last = model is IEnumerable<ITransformer> chain ? chain.Last() : model;
        var parameters = ((ISingleFeaturePredictionTransformer<object>)last).Model;
        return (FastTreeBinaryModelParameters)parameters.GetType().GetProperties().First(p => p.Name == "SubModel" && p.PropertyType == typeof(FastTreeBinaryModelParameters)).GetValue(parameters)!;
    }

    private static IEnumerable<int> ThresholdsPerFeature(ITransformer model)
    {
        return FastTreeOf(model).TrainedTreeEnsemble.Trees
            .SelectMany(t => t.NumericalSplitFeatureIndexes.Zip(t.NumericalSplitThresholds))
            .GroupBy(split => split.First)
            .Select(g => g.Select(split => split.Second).Distinct().Count());
    }

    private static int CountCategoricalSplits(ITransformer model)
    {
        return FastTreeOf(model).TrainedTreeEnsemble.Trees.Sum(t => t.CategoricalSplitFlags.Count(flag => flag));
    }

    private static List<MixedRow> MixedRows(int count, Random random)
    {
        string[] categories = ["cold-store", "truck", "market", "warehouse", "kitchen", "port", "farm"];
        var rows = new List<MixedRow>(count);
        for (var i = 0; i < count; i++)
        {
            var a = (float)(random.NextDouble() * 10);
            var b = (float)((random.NextDouble() * 4) - 2);
            var c = random.Next(categories.Length);
            var logit = (0.6 * a) - 3 + (c is 1 or 4 ? 2.5 : c == 6 ? -1.5 : 0) + b;
            var label = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
            rows.Add(new MixedRow
            {
                Numbers = [random.NextDouble() < 0.1 ? float.NaN : a, random.NextDouble() < 0.1 ? float.NaN : b, (float)random.NextDouble()],
                Category = random.NextDouble() < 0.02 ? "unseen-" + random.Next(5) : categories[c],
                Label = label,
            });
        }
        return rows;
    }

    public sealed class MixedRow
    {
        [VectorType(3)]
        public float[] Numbers { get; set; } = [];

        public string Category { get; set; } = "";

        public bool Label { get; set; }
    }

    public sealed class MixedPrediction
    {
        public float Probability { get; set; }
    }

    public sealed class FeaturizedRow
    {
        public float[] Features { get; set; } = [];
    }
}

using Supervision.Scoring.Compiled;

namespace Supervision.Scoring.Tests.Compiled;

public class ForestTests
{
    [Test]
    public void Constructor_ChildOutsideItsTree_Throws()
    {
        // Node 0's right child names leaf 2 of a tree of two leaves.
        var tree = TreeArrays.Numerical([~0], [~2], [0], [0.5f], [1, 2]);

        var error = Assert.Throws<ModelCompileException>(() => new Forest(1, [tree], 0));

        Assert.That(error!.Message, Is.EqualTo("tree 0 node 0 has child -3, outside its 1 nodes and 2 leaves"));
    }

    [Test]
    public void Constructor_TreeWithACycle_Throws()
    {
        // Node 1's left child is the root: the walk and the mean leaf values would never end.
        var tree = TreeArrays.Numerical([1, 0], [~0, ~1], [0, 0], [0.5f, 0.25f], [1, 2, 3]);

        var error = Assert.Throws<ModelCompileException>(() => new Forest(1, [tree], 0));

        Assert.That(error!.Message, Is.EqualTo("tree 0 reaches node 0 twice"));
    }

    [Test]
    public void Constructor_LeafReachedTwice_Throws()
    {
        // Both children of node 1 are leaf 1; leaf 2 is reached by no path.
        var tree = TreeArrays.Numerical([1, ~1], [~0, ~1], [0, 0], [0.5f, 0.25f], [1, 2, 3]);

        var error = Assert.Throws<ModelCompileException>(() => new Forest(1, [tree], 0));

        Assert.That(error!.Message, Is.EqualTo("tree 0 reaches leaf 1 twice"));
    }

    [Test]
    public void Constructor_NegativeFeature_Throws()
    {
        var error = Assert.Throws<ModelCompileException>(() => new Forest(1, [TreeBuilder.Stump(-1, 0.5f, 1, 2)], 0));

        Assert.That(error!.Message, Is.EqualTo("tree 0 node 0 splits on feature -1, outside the 1 input features"));
    }
}

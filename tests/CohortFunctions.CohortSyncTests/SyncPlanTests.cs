using CohortFunctions.CohortSync.Members;
using CohortFunctions.CohortSync.Sync;

namespace CohortFunctions.CohortSyncTests;

public sealed class SyncPlanTests
{
    [Theory]
    [InlineData(0, 0, 1000, 0)]
    [InlineData(1000, 0, 1000, 1)]
    [InlineData(1001, 0, 1000, 2)]
    [InlineData(2500, 600, 1000, 4)]
    [InlineData(3, 4, 2, 4)]
    public void Split_AddsAndRemoves_BatchesOfAtMostBatchSizeInOrder(int adds, int removes, int batchSize, int expectedBatches)
    {
        // Arrange
        var toAdd = Ids("a", adds);
        var toRemove = Ids("r", removes);

        // Act
        var batches = SyncPlan.Split(toAdd, toRemove, batchSize);

        // Assert
        Assert.Equal(expectedBatches, batches.Count);
        Assert.All(batches, b => Assert.InRange(b.Count, 1, batchSize));
        Assert.Equal(Enumerable.Range(1, expectedBatches), batches.Select(b => b.Number));
        Assert.Equal(toAdd, batches.SelectMany(b => b.Adds));
        Assert.Equal(toRemove, batches.SelectMany(b => b.Removes));
    }

    [Fact]
    public void Split_BoundaryInsideABatch_CarriesAddsAndRemovesTogether()
    {
        // Act
        var batches = SyncPlan.Split(Ids("a", 3), Ids("r", 4), 5);

        // Assert
        Assert.Equal((3, 2), (batches[0].Adds.Count, batches[0].Removes.Count));
        Assert.Equal((0, 2), (batches[1].Adds.Count, batches[1].Removes.Count));
    }

    private static MemberIdentifier[] Ids(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => MemberIdentifier.UserId($"{prefix}{i}"))];
}

using CohortFunctions.CohortSync.Import;

namespace CohortFunctions.CohortSyncTests.Import;

public sealed class LineIntervalsTests
{
    [Fact]
    public void Add_OutOfOrderBatches_MergesThemOnceTheGapIsFilled()
    {
        // Arrange
        var done = new LineIntervals([]);

        // Act: batches acknowledged as parallel requests return: 1, 3, 4, then 2.
        done.Add(2, 1001);
        done.Add(2002, 3001);
        done.Add(3002, 4001);
        var beforeTheGap = done.Intervals;
        done.Add(1002, 2001);

        // Assert
        Assert.Equal([new LineInterval(2, 1001), new LineInterval(2002, 4001)], beforeTheGap);
        Assert.Equal([new LineInterval(2, 4001)], done.Intervals);
        Assert.Equal(4000, done.Count);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(10, true)]
    [InlineData(11, false)]
    [InlineData(19, false)]
    [InlineData(20, true)]
    [InlineData(30, true)]
    [InlineData(31, false)]
    public void Contains_TwoIntervals_IsTrueInsideEitherOnly(long line, bool expected)
    {
        // Arrange
        var done = new LineIntervals([new LineInterval(20, 30), new LineInterval(2, 10)]);

        // Act & Assert
        Assert.Equal(expected, done.Contains(line));
    }

    [Fact]
    public void Add_OverlappingAndInside_CountsEachLineOnce()
    {
        // Arrange
        var done = new LineIntervals([new LineInterval(10, 20), new LineInterval(30, 40)]);

        // Act
        done.Add(15, 35);
        done.Add(12, 13);

        // Assert
        Assert.Equal([new LineInterval(10, 40)], done.Intervals);
        Assert.Equal(31, done.Count);
    }
}

using CohortFunctions.Resync;

namespace CohortFunctions.UnitTests.Resync;

public sealed class PendingCursorTests
{
    [Theory]
    [InlineData(0, null)]
    [InlineData(3, "x|ada")]
    [InlineData(15, "a|email|ada~40example.com")]
    [InlineData(16, null)]
    public void EncodeThenDecode_AnyCursor_RoundTrips(int bucket, string? after)
    {
        // Arrange
        var cursor = new PendingCursor(bucket, after);

        // Act
        var decoded = PendingCursor.Decode(cursor.Encode());

        // Assert
        Assert.Equal(cursor, decoded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("|x|ada")]
    [InlineData("b|x|ada")]
    public void Decode_NothingOrGarbage_StartsFromTheBeginning(string? text)
    {
        // Act
        var cursor = PendingCursor.Decode(text);

        // Assert
        Assert.Equal(PendingCursor.Start, cursor);
        Assert.False(cursor.IsComplete);
    }

    [Theory]
    [InlineData(15, false)]
    [InlineData(16, true)]
    [InlineData(17, true)]
    public void IsComplete_PastTheLastBucket_True(int bucket, bool complete)
    {
        // Assert
        Assert.Equal(complete, new PendingCursor(bucket, null).IsComplete);
    }
}

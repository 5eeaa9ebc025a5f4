using CohortFunctions.History;

namespace CohortFunctions.UnitTests.History;

public sealed class HistoryCursorTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Encode_ThenTryParse_TheSameCursor()
    {
        // Arrange
        var cursor = new HistoryCursor(new DateOnly(2026, 12, 7), HistoryCursor.TimeKey(At, new string('f', 32)));

        // Act
        var parsed = HistoryCursor.TryParse(cursor.Encode(), out var back);

        // Assert
        Assert.True(parsed);
        Assert.Equal(cursor, back);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void TryParse_NoToken_TheStart(string? token)
    {
        // Act & Assert
        Assert.True(HistoryCursor.TryParse(token, out var cursor));
        Assert.Null(cursor);
    }

    [Theory]
    [InlineData("%%%")]
    [InlineData("MjAyNjEyMDc6eA")]
    [InlineData("MjAyNjEzMDc6MDAwMDAwMDAwMDAwMDAwMDAwMHxmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZm")]
    public void TryParse_NotATokenOfAPage_False(string token)
    {
        // Act & Assert
        Assert.False(HistoryCursor.TryParse(token, out _));
    }

    [Fact]
    public void TimeKey_LaterTime_SortsFirst()
    {
        // Act
        var earlier = HistoryCursor.TimeKey(At, new string('0', 32));
        var later = HistoryCursor.TimeKey(At.AddTicks(1), new string('0', 32));

        // Assert
        Assert.True(string.CompareOrdinal(later, earlier) < 0);
        Assert.Equal(19 + 1 + 32, later.Length);
    }
}

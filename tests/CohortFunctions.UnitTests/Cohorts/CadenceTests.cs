using CohortFunctions.Cohorts;

namespace CohortFunctions.UnitTests.Cohorts;

public sealed class CadenceTests
{
    [Theory]
    [InlineData("once", (int)Cadence.Once)]
    [InlineData("daily", (int)Cadence.Daily)]
    [InlineData("hourly", (int)Cadence.Hourly)]
    [InlineData("realtime", (int)Cadence.Realtime)]
    public void TryParse_EveryName_ParsesAndNamesBack(string name, int expectedValue)
    {
        // Arrange
        var expected = (Cadence)expectedValue;

        // Act
        var parsed = Cadences.TryParse(name, out var cadence);

        // Assert
        Assert.True(parsed);
        Assert.Equal(expected, cadence);
        Assert.Equal(name, Cadences.Name(expected));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Hourly")]
    [InlineData("HOURLY")]
    [InlineData(" hourly")]
    [InlineData("weekly")]
    [InlineData("2")]
    [InlineData("Realtime")]
    public void TryParse_AnythingElse_False(string? text)
    {
        // Act
        var parsed = Cadences.TryParse(text, out var cadence);

        // Assert
        Assert.False(parsed);
        Assert.Null(cadence);
    }

    [Fact]
    public void Default_IsHourly()
    {
        // Assert
        Assert.Equal(Cadence.Hourly, Cadences.Default);
    }

    [Fact]
    public void Interval_EachCadence_ItsPeriodAndNoneForOnce()
    {
        // Assert
        Assert.Equal(TimeSpan.FromMinutes(1), Cadences.Interval(Cadence.Realtime));
        Assert.Equal(TimeSpan.FromHours(1), Cadences.Interval(Cadence.Hourly));
        Assert.Equal(TimeSpan.FromDays(1), Cadences.Interval(Cadence.Daily));
        Assert.Null(Cadences.Interval(Cadence.Once));
    }

    [Fact]
    public void Allowed_ListsEveryName()
    {
        // Assert
        Assert.Equal(
            Enum.GetValues<Cadence>().Select(Cadences.Name).Order(StringComparer.Ordinal),
            Cadences.Allowed.Split(", ").Order(StringComparer.Ordinal));
    }
}

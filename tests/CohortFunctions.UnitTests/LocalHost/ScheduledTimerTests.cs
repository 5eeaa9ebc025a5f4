using CohortFunctions.App.Hosting;
using CohortFunctions.LocalHost;
using CohortFunctions.UnitTests.Hosting;
using Microsoft.Extensions.Configuration;

namespace CohortFunctions.UnitTests.LocalHost;

public sealed class ScheduledTimerTests
{
    private static readonly DateTime Noon = new(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Resolve_SettingReference_UsesTheSettingWithDoubleUnderscoreAsSection()
    {
        // Arrange
        var configuration = Configuration(("SampleTimers:EveryMinute", "30 */5 * * * *"));

        // Act
        var timer = ScheduledTimer.Resolve(Function("%SampleTimers__EveryMinute%"), configuration);

        // Assert
        Assert.Equal("30 */5 * * * *", timer.Expression);
        Assert.Equal(Noon.AddSeconds(30), timer.Schedule.GetNextOccurrence(Noon));
    }

    [Fact]
    public void Resolve_MissingSetting_ThrowsNamingIt()
    {
        // Act
        var error = Assert.Throws<InvalidOperationException>(() => ScheduledTimer.Resolve(Function("%Cleanup__Schedule%"), Configuration()));

        // Assert
        Assert.Contains("Cleanup__Schedule", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a schedule")]
    [InlineData("*/5 * * * *")]
    [InlineData("0 0 25 * * *")]
    [InlineData("")]
    public void Resolve_NotASixFieldCron_Throws(string expression)
    {
        // Act
        var error = Assert.Throws<InvalidOperationException>(() => ScheduledTimer.Resolve(Function("%S%"), Configuration(("S", expression))));

        // Assert
        Assert.Contains("six-field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_LiteralSixFieldCron_SecondsFieldHonoured()
    {
        // Act
        var timer = ScheduledTimer.Resolve(Function("*/10 * * * * *"), Configuration());

        // Assert
        Assert.Equal(Noon.AddSeconds(10), timer.Schedule.GetNextOccurrence(Noon));
        Assert.Equal(Noon.AddSeconds(20), timer.Schedule.GetNextOccurrence(Noon.AddSeconds(10)));
    }

    private static TimerFunction Function(string schedule)
    {
        var sample = FunctionCatalog.For(typeof(SampleTimerFunctions).Assembly).Timers.Single(t => t.Name == "SampleEveryMinute");
        return sample with { Schedule = schedule };
    }

    private static IConfiguration Configuration(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
}

using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.IntegrationTests.RealHost;
using CohortFunctions.IntegrationTests.Resync;

namespace CohortFunctions.IntegrationTests.HostContract;

/// <summary>
/// The resync timer, on its schedule from the <c>ResyncSchedule</c> setting (every five seconds in the shared apps),
/// applies an identifier a postback could not match once its user exists and the cohort's retry is due — with no call
/// but the postback, the user's creation and the cadence.
/// </summary>
public abstract class TimerContract(HostFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private readonly IAppUnderTest _app = fixture.App;

    [Fact]
    public async Task ResyncTimer_UserCreatedAfterThePostback_JoinsWhenTheRealtimeRetryIsDue()
    {
        // Arrange: a realtime cohort retries one minute after the last postback.
        var api = await CohortApi.StartAsync(_app);
        var counts = await api.SendChangesAsync("rt", TestChange.Add("late-user"));
        await api.SetCadenceAsync("rt", "realtime");
        await api.CreateUsersAsync("late-user");

        // Act
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await api.IsMemberAsync("late-user", "rt") && clock.Elapsed < Patience)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        // Assert
        Assert.Equal(1, counts.Unmatched);
        Assert.True(await api.IsMemberAsync("late-user", "rt"), $"not applied within {Patience}");
        Assert.Equal(1, await api.MemberCountAsync("rt"));
        Assert.Equal(1, await api.DataPointsTotalAsync());
        Assert.NotNull((await api.ScheduleAsync("rt")).LastResyncAt);
    }
}

public sealed class TimerContractOnLocalHost(LocalHostFixture fixture) : TimerContract(fixture), IClassFixture<LocalHostFixture>;

[Trait("Host", "Real")]
public sealed class TimerContractOnRealHost(RealHostFixture fixture) : TimerContract(fixture), IClassFixture<RealHostFixture>;

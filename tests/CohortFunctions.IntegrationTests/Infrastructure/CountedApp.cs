using CohortFunctions.Storage;

namespace CohortFunctions.IntegrationTests.Infrastructure;

/// <summary>
/// One app for a test class with every storage request of it through a <see cref="FaultProxy"/> that records them on
/// demand (<see cref="FaultProxy.StartRecording"/>), to count what one API request costs. The tables the users API and
/// a postback use are created before any test: creating them is not part of any request counted.
/// </summary>
public sealed class CountedApp : IAsyncLifetime
{
    public FaultProxy Proxy { get; private set; } = null!;

    public TestApp App { get; private set; } = null!;

    internal TableNames Names => new(App.TablePrefix);

    public async Task InitializeAsync()
    {
        Proxy = await FaultProxy.StartAsync(FaultPlan.None, seed: 1);
        App = await TestApp.StartAsync(b => b.Set(TestAppBuilder.ConnectionStringKey, Proxy.ConnectionString));
        var warmUp = await CohortApi.StartAsync(App);
        await warmUp.CreateUsersAsync("warm-up");
        await warmUp.SendChangesAsync("warm-up", TestChange.Add("warm-up"));
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Proxy.DisposeAsync();
    }
}

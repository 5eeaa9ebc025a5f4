namespace CohortFunctions.IntegrationTests.Infrastructure;

/// <summary>
/// One <see cref="TestApp"/> per test class (<c>IClassFixture&lt;AppFixture&gt;</c>), on its own tables. Tests of the
/// class share it and keep out of each other's way by using their own workspace (<see cref="TestIds.Workspace"/>).
/// Derive and override <see cref="Configure"/> for a class that needs other settings.
/// </summary>
public class AppFixture : IAsyncLifetime
{
    private TestApp? _app;

    public TestApp App => _app ?? throw new InvalidOperationException("The app has not started.");

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(Configure);

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    protected virtual void Configure(TestAppBuilder builder)
    {
    }
}

/// <summary>Ids that no other test uses, so tests sharing an app and its tables do not see each other's data.</summary>
public static class TestIds
{
    /// <summary>A valid workspace id, unique to the caller.</summary>
    public static string Workspace() => "ws-" + Guid.NewGuid().ToString("N")[..16];
}

/// <summary>The management API's routes, relative to the app's base address.</summary>
public static class ManageRoutes
{
    public static string Keys(string workspace, string partner) => $"manage/workspaces/{workspace}/partners/{partner}/keys";

    public static string Key(string workspace, string partner, string keyId) => $"{Keys(workspace, partner)}/{keyId}";
}

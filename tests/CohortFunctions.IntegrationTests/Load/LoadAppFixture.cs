using System.Globalization;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Load;

/// <summary>
/// The load tests run alone, after the other integration tests: they keep both cores busy, and the other classes'
/// storage calls would time out (503) meanwhile on a 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadTestGroup
{
    public const string Name = "Load";
}

/// <summary>
/// The app for the load tests, on an Azurite of its own, with a patient client for its partner endpoints. 10 senders
/// of 1,000 ids at once keep over a thousand storage requests in flight: on the shared Azurite the other test classes
/// would wait behind them. On a busy 2-core machine one postback can also take over a minute, and one storage call
/// longer than the SDK's default 10 s (four in a row answer 503), so the client's, the app's request and the storage
/// timeouts and retries are raised. These tests are about exact results under concurrency, not about overload: a
/// postback cut short would be half-applied and spoil the model.
/// </summary>
public sealed class LoadAppFixture : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    private AzuriteInstance? _storage;
    private TestApp? _app;
    private HttpClient? _senderClient;

    public TestApp App => _app ?? throw new InvalidOperationException("The app has not started.");

    /// <summary>Waits up to 10 minutes for an answer.</summary>
    public HttpClient SenderClient => _senderClient ?? throw new InvalidOperationException("The app has not started.");

    public async Task InitializeAsync()
    {
        _storage = await AzuriteFixture.StartPrivateAsync();
        _app = await TestApp.StartAsync(o => o
            .Set(TestAppBuilder.ConnectionStringKey, _storage.ConnectionString)
            .Set("Api:RequestTimeoutSeconds", Patience.TotalSeconds.ToString(CultureInfo.InvariantCulture))
            .Set("Storage:NetworkTimeoutSeconds", "120")
            .Set("Storage:MaxRetries", "10"));
        _senderClient = _app.CreateClient(withFunctionKey: false);
        _senderClient.Timeout = Patience;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
    }
}

using System.Globalization;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.Load;

/// <summary>
/// The load tests run alone, after the other integration tests: they saturate the one Azurite every test class shares,
/// and on a 2-core machine the other classes' storage calls would time out (503) meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadTestGroup
{
    public const string Name = "Load";
}

/// <summary>
/// The app for the load tests, and a patient client for its partner endpoints. On a busy 2-core machine, 10 senders of
/// 1,000 ids at once can make one postback take over a minute, and one storage call over the 10 s the SDK waits by
/// default (4 timeouts in a row answer 503). The client's, the app's request and the storage timeouts are raised,
/// because these tests are about exact results under concurrency, not about overload (a postback cut short would be
/// half-applied and spoil the model).
/// </summary>
public sealed class LoadAppFixture : AppFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    private HttpClient? _senderClient;

    /// <summary>Waits up to 10 minutes for an answer.</summary>
    public HttpClient SenderClient => _senderClient ??= Patient(App.CreateClient(withFunctionKey: false));

    protected override void Configure(TestAppBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Set("Api:RequestTimeoutSeconds", Patience.TotalSeconds.ToString(CultureInfo.InvariantCulture))
            .Set("Storage:NetworkTimeoutSeconds", "120");
    }

    private static HttpClient Patient(HttpClient client)
    {
        client.Timeout = Patience;
        return client;
    }
}

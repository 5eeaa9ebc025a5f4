using System.Diagnostics;
using System.Net;
using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.IntegrationTests.RealHost;

namespace CohortFunctions.IntegrationTests.HostContract;

/// <summary>
/// The request deadline (<c>Api__RequestTimeoutSeconds</c>) holds on both hosts: when storage stops answering, a
/// request is answered 503 with <c>Retry-After</c> when its deadline passes, not when the storage client gives up.
/// Under the Functions host a function's <see cref="CancellationToken"/> parameter is the invocation's, not the
/// request's, so this holds only because HTTP functions take their token from the request (RequestDeadline.Token).
/// Each host gets an app of its own, its table storage behind a proxy that the tests stall.
/// </summary>
public abstract class DeadlineContract(DeadlineContract.StalledStorageFixture fixture)
{
    private const int DeadlineSeconds = 3;

    [Fact]
    public async Task AnyFunction_StorageStalls_503WhenTheDeadlinePasses()
    {
        // Arrange
        using var stall = fixture.StallStorage();

        // Act
        var clock = Stopwatch.StartNew();
        using var response = await fixture.App.Client.GetAsync(new Uri($"manage/workspaces/{TestIds.Workspace()}/cohorts", UriKind.Relative));
        clock.Stop();

        // Assert: the storage client alone would try for 10 s a request, four times.
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("The request took too long; retry later.", await response.ReadErrorMessageAsync());
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(DeadlineSeconds - 0.5), TimeSpan.FromSeconds(DeadlineSeconds + 7));
    }

    [Fact]
    public async Task Postback_StorageStalls_503WhenTheDeadlinePasses()
    {
        // Arrange
        using var stall = fixture.StallStorage();
        var body = new Dictionary<string, object?>
        {
            ["partner_api_key"] = fixture.App.PartnerApiKey("amplitude"),
            ["client_secret"] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            ["cohort_id"] = "c1",
            ["cohort_changes"] = Array.Empty<object>(),
        };

        // Act
        var clock = Stopwatch.StartNew();
        using var response = await fixture.App.CreateClient(withFunctionKey: false).PostAsync(new Uri("partners/amplitude/cohorts/users", UriKind.Relative), TestJson.Body(body));
        clock.Stop();

        // Assert
        await ManagementApi.ExpectStatusAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(DeadlineSeconds - 0.5), TimeSpan.FromSeconds(DeadlineSeconds + 7));
    }

    [Fact]
    public async Task Health_StorageStalls_Unhealthy503()
    {
        // Arrange
        using var stall = fixture.StallStorage();

        // Act
        using var response = await fixture.App.CreateClient(withFunctionKey: false).GetAsync(new Uri("health", UriKind.Relative));

        // Assert: never a 500 — the answer is written even though the deadline has passed by then.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    /// <summary>An app of its own per host, whose table storage (not the host's) goes through a proxy that can stall.</summary>
    public abstract class StalledStorageFixture : IAsyncLifetime
    {
        private FaultProxy? _proxy;
        private IAsyncDisposable? _app;

        public IAppUnderTest App { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _proxy = await FaultProxy.StartAsync(FaultPlan.None, seed: 1);
            var settings = new Dictionary<string, string>
            {
                [TestAppBuilder.ConnectionStringKey] = _proxy.ConnectionString,
                ["Api:RequestTimeoutSeconds"] = DeadlineSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            (App, _app) = await StartAsync(settings);
        }

        /// <summary>Stalls every storage request until the result is disposed.</summary>
        public IDisposable StallStorage()
        {
            var proxy = _proxy!;
            proxy.Plan = FaultPlan.Always(FaultKind.Stall, _ => true);
            return new Restore(proxy);
        }

        public async Task DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }

            if (_proxy is not null)
            {
                await _proxy.DisposeAsync();
            }
        }

        protected abstract Task<(IAppUnderTest App, IAsyncDisposable Lifetime)> StartAsync(IReadOnlyDictionary<string, string> settings);

        private sealed class Restore(FaultProxy proxy) : IDisposable
        {
            public void Dispose() => proxy.Plan = FaultPlan.None;
        }
    }

    public sealed class OnLocalHost : StalledStorageFixture
    {
        protected override async Task<(IAppUnderTest App, IAsyncDisposable Lifetime)> StartAsync(IReadOnlyDictionary<string, string> settings)
        {
            var app = await TestApp.StartAsync(o =>
            {
                foreach (var (key, value) in settings)
                {
                    o.Set(key, value);
                }
            });
            return (app, app);
        }
    }

    public sealed class OnRealHost : StalledStorageFixture
    {
        protected override async Task<(IAppUnderTest App, IAsyncDisposable Lifetime)> StartAsync(IReadOnlyDictionary<string, string> settings)
        {
            var app = await RealHostApp.StartAsync(s =>
            {
                foreach (var (key, value) in settings)
                {
                    s[key] = value;
                }
            });
            return (app, app);
        }
    }
}

public sealed class DeadlineContractOnLocalHost(DeadlineContract.OnLocalHost fixture) : DeadlineContract(fixture), IClassFixture<DeadlineContract.OnLocalHost>;

[Trait("Host", "Real")]
public sealed class DeadlineContractOnRealHost(DeadlineContract.OnRealHost fixture) : DeadlineContract(fixture), IClassFixture<DeadlineContract.OnRealHost>;

using System.Collections.Concurrent;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.RealHost;

/// <summary>
/// The two apps the host contract runs on, one of each for the whole test run: the local host in this process and
/// the real Azure Functions host in its own (its start costs seconds, so every real-host test class shares it). Both
/// have the same settings, among them a resync timer every five seconds, so timers are part of the contract too.
/// </summary>
public static class SharedApps
{
    /// <summary>The resync schedule of both shared apps: fast enough for a test to see a timer run apply something.</summary>
    public const string ResyncSchedule = "*/5 * * * * *";

    private static readonly Lazy<Task<TestApp>> Local = new(() => Task.Run(() =>
        TestApp.StartAsync(o => o.Set("ResyncSchedule", ResyncSchedule))));

    private static readonly Lazy<Task<RealHostApp>> Real = new(() => Task.Run(StartRealAsync));

    public static Task<TestApp> LocalAsync() => Local.Value;

    public static Task<RealHostApp> RealAsync() => Real.Value;

    private static async Task<RealHostApp> StartRealAsync()
    {
        var app = await RealHostApp.StartAsync(s => s["ResyncSchedule"] = ResyncSchedule).ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => app.StopAsync().GetAwaiter().GetResult();
        return app;
    }
}

/// <summary>
/// A class fixture that hands a test class one of the shared apps (<see cref="SharedApps"/>), and keeps what the
/// class sets up once (a seeded workspace, say) for all of its tests.
/// </summary>
public abstract class HostFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _once = new(StringComparer.Ordinal);
    private IAppUnderTest? _app;

    public IAppUnderTest App => _app ?? throw new InvalidOperationException("The app has not started.");

    /// <summary>Whether the app runs under the real Functions host.</summary>
    public bool IsRealHost => App is RealHostApp;

    /// <summary>The result of <paramref name="create"/>, made once per fixture (per test class) under <paramref name="key"/>.</summary>
    public async Task<T> OnceAsync<T>(string key, Func<Task<T>> create)
        where T : class =>
        (T)await _once.GetOrAdd(key, _ => new Lazy<Task<object>>(async () => await create().ConfigureAwait(false))).Value.ConfigureAwait(false);

    public async Task InitializeAsync() => _app = await StartAsync().ConfigureAwait(false);

    /// <summary>The shared apps live for the whole test run.</summary>
    public Task DisposeAsync() => Task.CompletedTask;

    protected abstract Task<IAppUnderTest> StartAsync();
}

/// <summary>The shared app on the local host (what <c>./run.sh</c> serves).</summary>
public sealed class LocalHostFixture : HostFixture
{
    protected override async Task<IAppUnderTest> StartAsync() => await SharedApps.LocalAsync().ConfigureAwait(false);
}

/// <summary>The shared app on the real Azure Functions host.</summary>
public sealed class RealHostFixture : HostFixture
{
    protected override async Task<IAppUnderTest> StartAsync() => await SharedApps.RealAsync().ConfigureAwait(false);
}

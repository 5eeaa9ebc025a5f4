using System.Security.Cryptography;
using CohortFunctions.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.IntegrationTests.Infrastructure;

/// <summary>
/// The app as <c>./run.sh</c> serves it (the local Functions host on Kestrel), on a free port, with its own tables on
/// real storage (<see cref="AzuriteFixture"/>), random secrets and every log entry captured:
/// <code>await using var app = await TestApp.StartAsync(o => o.Set("ImportKeys:CacheSeconds", "1"));</code>
/// </summary>
public sealed class TestApp : IAppUnderTest, IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly List<HttpClient> _clients = [];

    private TestApp(WebApplication app, IReadOnlyDictionary<string, string?> settings, CapturedLogs logs, Uri baseAddress)
    {
        _app = app;
        _settings = settings;
        Logs = logs;
        BaseAddress = baseAddress;
        Client = CreateClient();
    }

    /// <summary>Where the app listens, e.g. <c>http://127.0.0.1:39127/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client that sends the function key (<c>x-functions-key</c>, if the app has one), as an operator's tooling would.</summary>
    public HttpClient Client { get; }

    /// <summary>The app's services, e.g. to resolve keys through the same <c>ImportKeyResolver</c> the app uses.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Every log entry the app wrote, at every level.</summary>
    public CapturedLogs Logs { get; }

    /// <summary>This app's table prefix; pass it to another app to share its tables (a second instance).</summary>
    public string TablePrefix => Setting(TestAppBuilder.TablePrefixKey);

    /// <summary>The function key management calls need; null when the app was started without one (no key needed).</summary>
    public string? FunctionKey => _settings.GetValueOrDefault(TestAppBuilder.FunctionKeyKey);

    /// <summary>Starts an app with the default test settings, changed by <paramref name="configure"/>.</summary>
    public static async Task<TestApp> StartAsync(Action<TestAppBuilder>? configure = null)
    {
        var builder = new TestAppBuilder();
        configure?.Invoke(builder);
        var settings = await builder.BuildSettingsAsync();
        var logs = new CapturedLogs();
        // Only the test's settings: nothing from the environment or files of the machine running the tests.
        var app = LocalFunctionsHost.Build([], loadLocalSettings: false, settings: settings, configure: b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Logging.ClearProviders();
            b.Logging.SetMinimumLevel(LogLevel.Trace);
            b.Logging.AddProvider(logs);
            builder.ApplyServices(b.Services);
        });
        try
        {
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new TestApp(app, settings, logs, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            await app.DisposeAsync();
            logs.Dispose();
            throw;
        }
    }

    /// <summary>The value of a setting the app was started with.</summary>
    public string Setting(string key) =>
        _settings.TryGetValue(key, out var value) && value is not null ? value : throw new KeyNotFoundException($"The app was started without setting '{key}'.");

    /// <summary>A configured partner's API key.</summary>
    public string PartnerApiKey(string partner) => Setting($"Partners:{partner}:ApiKeys:0");

    public string StorageConnectionString => Setting(TestAppBuilder.ConnectionStringKey);

    public string LogText() => string.Join("\n", Logs.Entries.Select(e => e.AllText()));

    /// <summary>A service of the app.</summary>
    public T GetRequiredService<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>A new client for the app; without the function key when <paramref name="withFunctionKey"/> is false.</summary>
    public HttpClient CreateClient(bool withFunctionKey = true)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (withFunctionKey && FunctionKey is not null)
        {
            client.DefaultRequestHeaders.Add(HttpFunctionEndpoints.FunctionKeyHeader, FunctionKey);
        }

        _clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        Logs.Dispose();
    }
}

/// <summary>The settings and services of a <see cref="TestApp"/>: sensible, random defaults that a test changes.</summary>
public sealed class TestAppBuilder
{
    public const string ConnectionStringKey = "Storage:ConnectionString";
    public const string TableServiceUriKey = "Storage:TableServiceUri";
    public const string TablePrefixKey = "Storage:TablePrefix";
    public const string FunctionKeyKey = "LocalHost:FunctionKey";

    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase)
    {
        [TablePrefixKey] = NewTablePrefix(),
        [FunctionKeyKey] = "fk-" + RandomHex(16),
        ["Partners:amplitude:DisplayName"] = "Amplitude",
        ["Partners:amplitude:ApiKeys:0"] = "amplitude-" + RandomHex(16),
        ["Partners:mixpanel:DisplayName"] = "Mixpanel",
        ["Partners:mixpanel:ApiKeys:0"] = "mixpanel-" + RandomHex(16),

        // Timers are required settings; tests call the timer functions themselves, so the schedules never fire.
        ["ResyncSchedule"] = "0 0 0 1 1 *",
        ["MaintenanceSchedule"] = "0 0 0 1 1 *",
    };

    private readonly List<Action<IServiceCollection>> _services = [];
    private bool _useAzurite = true;

    /// <summary>A table prefix no other test uses: letters and digits, starting with a letter.</summary>
    public static string NewTablePrefix() => "t" + RandomHex(6);

    /// <summary>Sets (or replaces) a setting, with <c>:</c> between sections (e.g. <c>ImportKeys:CacheSeconds</c>).</summary>
    public TestAppBuilder Set(string key, string? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (IsStorageLocation(key))
        {
            _useAzurite = false;
        }

        _settings[key] = value;
        return this;
    }

    /// <summary>Removes a setting and everything under it (e.g. <c>Partners</c> removes every partner).</summary>
    public TestAppBuilder Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (IsStorageLocation(key) || key.Equals("Storage", StringComparison.OrdinalIgnoreCase))
        {
            _useAzurite = false;
        }

        foreach (var existing in _settings.Keys.Where(k => k.Equals(key, StringComparison.OrdinalIgnoreCase)
            || k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            _settings.Remove(existing);
        }

        return this;
    }

    /// <summary>Shares the tables of another app, as a second instance of the same installation would.</summary>
    public TestAppBuilder ShareTablesWith(TestApp other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Set(TablePrefixKey, other.TablePrefix);
    }

    /// <summary>Points the app at storage that does not answer (a closed port on this machine), failing fast.</summary>
    public TestAppBuilder UseUnreachableStorage() =>
        Set(ConnectionStringKey, AzuriteFixture.ConnectionStringFor(AzuriteFixture.FreePort()))
            .Set("Storage:MaxRetries", "0")
            .Set("Storage:NetworkTimeoutSeconds", "2");

    /// <summary>Changes the app's services after the app's own registrations, e.g. to replace a port with a fake.</summary>
    public TestAppBuilder ConfigureServices(Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _services.Add(configure);
        return this;
    }

    /// <summary>Gives the app this clock, e.g. a <c>FakeTimeProvider</c> to move time in a test.</summary>
    public TestAppBuilder UseTime(TimeProvider time) =>
        ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton(time)));

    internal async Task<IReadOnlyDictionary<string, string?>> BuildSettingsAsync()
    {
        var settings = new Dictionary<string, string?>(_settings, StringComparer.OrdinalIgnoreCase);
        if (_useAzurite)
        {
            settings[ConnectionStringKey] = await AzuriteFixture.GetConnectionStringAsync();
        }

        return settings;
    }

    internal void ApplyServices(IServiceCollection services)
    {
        foreach (var configure in _services)
        {
            configure(services);
        }
    }

    private static bool IsStorageLocation(string key) =>
        key.Equals(ConnectionStringKey, StringComparison.OrdinalIgnoreCase) || key.Equals(TableServiceUriKey, StringComparison.OrdinalIgnoreCase);

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using CohortFunctions.IntegrationTests.Infrastructure;

namespace CohortFunctions.IntegrationTests.RealHost;

/// <summary>
/// The app under the real Azure Functions host, in a process of its own (see <see cref="FunctionsHostLauncher"/>): the
/// host reads <c>functions.metadata</c>, maps the routes, checks function keys from its own secret store (files, with
/// a master key and a function key of the test's), forwards requests to the isolated worker and fires timers with
/// blob leases. Storage is the full Azurite of the test run (<see cref="AzuriteFixture.GetFullConnectionStringAsync"/>),
/// the app's tables under a prefix of its own.
/// </summary>
public sealed class RealHostApp : IAppUnderTest, IAsyncDisposable
{
    /// <summary>The host's home folder (timer schedule status); set it to share that status between two starts.</summary>
    public const string HomeSetting = "HOME";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _secretsDirectory;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly ConcurrentQueue<string> _output;
    private readonly List<HttpClient> _clients = [];
    private bool _stopped;

    private RealHostApp(Process process, string secretsDirectory, IReadOnlyDictionary<string, string> settings, ConcurrentQueue<string> output, Uri baseAddress, string masterKey, string functionKey, string launcher)
    {
        _process = process;
        _secretsDirectory = secretsDirectory;
        _settings = settings;
        _output = output;
        BaseAddress = baseAddress;
        MasterKey = masterKey;
        FunctionKey = functionKey;
        Launcher = launcher;
        Client = CreateClient();
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>The host's default function key: it opens every function of auth level Function.</summary>
    public string FunctionKey { get; }

    /// <summary>The host's master key: every function, and the host's own admin API.</summary>
    public string MasterKey { get; }

    /// <summary>Which host runs the app (for messages).</summary>
    public string Launcher { get; }

    public string TablePrefix => Setting(TestAppBuilder.TablePrefixKey);

    public string StorageConnectionString => Setting(TestAppBuilder.ConnectionStringKey);

    string? IAppUnderTest.FunctionKey => FunctionKey;

    /// <summary>Starts the host with the test settings (as <see cref="TestApp"/> has them), changed by <paramref name="configure"/>.</summary>
    /// <param name="configure">Changes the settings; <c>:</c> between sections, as in <see cref="TestAppBuilder.Set"/>.</param>
    /// <param name="waitUntilHealthy">Whether to wait for <c>/health</c> to answer 200; false returns once the process runs (for an app that cannot start).</param>
    public static async Task<RealHostApp> StartAsync(Action<Dictionary<string, string>>? configure = null, bool waitUntilHealthy = true)
    {
        var storage = await AzuriteFixture.GetFullConnectionStringAsync().ConfigureAwait(false);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [TestAppBuilder.ConnectionStringKey] = storage,
            [TestAppBuilder.TablePrefixKey] = TestAppBuilder.NewTablePrefix(),
            ["Partners:amplitude:DisplayName"] = "Amplitude",
            ["Partners:amplitude:ApiKeys:0"] = "amplitude-" + RandomHex(16),
            ["Partners:mixpanel:DisplayName"] = "Mixpanel",
            ["Partners:mixpanel:ApiKeys:0"] = "mixpanel-" + RandomHex(16),
            ["ResyncSchedule"] = "0 0 0 1 1 *",
            ["MaintenanceSchedule"] = "0 0 0 1 1 *",

            // The host's own settings: its storage (all three services), its home page off as deployed, and a host id of
            // this app's own, so that hosts of other tests on this machine do not share its locks.
            ["AzureWebJobsStorage"] = storage,
            ["AzureWebJobsDisableHomepage"] = "true",
            ["AzureFunctionsWebHost:hostid"] = "cohort-" + RandomHex(8),
        };
        configure?.Invoke(settings);

        var port = AzuriteFixture.FreePort();
        var launcher = FunctionsHostLauncher.For(port);
        var (masterKey, functionKey) = ("mk-" + RandomHex(16), "fk-" + RandomHex(16));
        var secrets = Directory.CreateTempSubdirectory("cohort-host-secrets-").FullName;
        await File.WriteAllTextAsync(Path.Combine(secrets, "host.json"), JsonSerializer.Serialize(new
        {
            masterKey = new { name = "master", value = masterKey, encrypted = false },
            functionKeys = new[] { new { name = "default", value = functionKey, encrypted = false } },
            systemKeys = Array.Empty<object>(),
        })).ConfigureAwait(false);

        var environment = settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value, StringComparer.Ordinal);

        // The host built from source keeps timer schedule status in files under $HOME/data (Azure keeps it in blobs,
        // per host id): a home of its own per app keeps hosts of other tests from overwriting it.
        if (!environment.ContainsKey(HomeSetting))
        {
            environment[HomeSetting] = Path.Combine(secrets, "home");
        }

        environment["AzureWebJobsSecretStorageType"] = "files";
        environment["FUNCTIONS_SECRETS_PATH"] = secrets;
        environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";

        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = launcher.StartInfo(environment) };
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var app = new RealHostApp(process, secrets, settings, output, new Uri($"http://127.0.0.1:{port}/"), masterKey, functionKey, launcher.Description);
        try
        {
            if (waitUntilHealthy)
            {
                await app.WaitUntilServingAsync().ConfigureAwait(false);
            }

            return app;
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public string Setting(string key) =>
        _settings.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The host was started without setting '{key}'.");

    public string PartnerApiKey(string partner) => Setting($"Partners:{partner}:ApiKeys:0");

    public HttpClient CreateClient(bool withFunctionKey = true)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(100) };
        if (withFunctionKey)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", FunctionKey);
        }

        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>Everything the host and the worker wrote to the console (the host prints the worker's logs).</summary>
    public string LogText() => string.Join('\n', _output);

    /// <summary>The lines of the host's console output that contain <paramref name="text"/>.</summary>
    public IReadOnlyList<string> LogLines(string text) => [.. _output.Where(line => line.Contains(text, StringComparison.Ordinal))];

    /// <summary>Whether the host process is still running.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>Stops the host as Azure does (SIGTERM: it drains, then stops the worker) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
        Directory.Delete(_secretsDirectory, recursive: true);
    }

    private async Task WaitUntilServingAsync()
    {
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Launcher} exited with code {_process.ExitCode} before it served the app.\n{Tail()}");
            }

            if (await ServesAsync(probe).ConfigureAwait(false))
            {
                return;
            }

            await Task.Delay(250).ConfigureAwait(false);
        }

        throw new TimeoutException($"{Launcher} did not serve the app within {StartTimeout.TotalSeconds:0} s.\n{Tail()}");
    }

    private async Task<bool> ServesAsync(HttpClient probe)
    {
        try
        {
            using var status = new HttpRequestMessage(HttpMethod.Get, "admin/host/status");
            status.Headers.Add("x-functions-key", MasterKey);
            using var host = await probe.SendAsync(status).ConfigureAwait(false);
            if (host.StatusCode != HttpStatusCode.OK || !(await host.Content.ReadAsStringAsync().ConfigureAwait(false)).Contains("\"Running\"", StringComparison.Ordinal))
            {
                return false;
            }

            using var health = await probe.GetAsync(new Uri("health", UriKind.Relative)).ConfigureAwait(false);
            return health.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private string Tail() => string.Join('\n', _output.TakeLast(150));

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null && output.Count < 200_000)
        {
            output.Enqueue(line);
        }
    }

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}

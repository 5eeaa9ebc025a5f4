using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace CohortFunctions.Benchmark;

/// <summary>Azurite and the app, started the way <c>./run.sh</c> starts them, on free ports.</summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    public const string AzuriteAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public const string PartnerApiKey = "bench-partner-key";

    private BenchEnvironment(ChildProcess azurite, ChildProcess app, string connectionString, Uri baseAddress)
    {
        Azurite = azurite;
        App = app;
        ConnectionString = connectionString;
        BaseAddress = baseAddress;
        Http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        Memory = new MemorySampler(app);
    }

    public ChildProcess Azurite { get; }

    public ChildProcess App { get; }

    public string ConnectionString { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>The app's resident memory, sampled every 50 ms.</summary>
    public MemorySampler Memory { get; }

    public static async Task<BenchEnvironment> StartAsync(string repositoryRoot)
    {
        var azuriteBin = Path.Combine(repositoryRoot, "tools", "azurite", "node_modules", ".bin", "azurite-table");
        if (!File.Exists(azuriteBin))
        {
            throw new InvalidOperationException("Azurite is not installed: run tools/azurite/ensure.sh (the bench script does).");
        }

        var tablePort = Net.FreePort();
        var azurite = ChildProcess.Start(
            azuriteBin,
            ["--inMemoryPersistence", "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(CultureInfo.InvariantCulture), "--silent", "--disableTelemetry"],
            new Dictionary<string, string>(),
            repositoryRoot);
        await Net.WaitForPortAsync(tablePort, TimeSpan.FromSeconds(30), () => azurite.Output).ConfigureAwait(false);
        var connectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteAccountKey};TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

        var appPort = Net.FreePort();
        var appDll = Path.Combine(repositoryRoot, "src", "CohortFunctions.LocalHost", "bin", "Release", "net10.0", "CohortFunctions.LocalHost.dll");
        var app = ChildProcess.Start(
            "dotnet",
            [appDll, "--urls", $"http://127.0.0.1:{appPort}"],
            new Dictionary<string, string>
            {
                ["Storage__ConnectionString"] = connectionString,
                ["Partners__amplitude__DisplayName"] = "Amplitude",
                ["Partners__amplitude__ApiKeys__0"] = PartnerApiKey,
                ["ResyncSchedule"] = "0 0 0 1 1 *",
                ["MaintenanceSchedule"] = "0 0 0 1 1 *",
                ["Logging__LogLevel__Default"] = "Warning",
            },
            // Not the repository root: the benchmark must not pick up a developer's local.settings.json.
            Path.GetTempPath());
        var baseAddress = new Uri($"http://127.0.0.1:{appPort}/");
        await Net.WaitForPortAsync(appPort, TimeSpan.FromSeconds(60), () => app.Output).ConfigureAwait(false);
        var environment = new BenchEnvironment(azurite, app, connectionString, baseAddress);
        using var health = await environment.Http.GetAsync(new Uri("health", UriKind.Relative)).ConfigureAwait(false);
        health.EnsureSuccessStatusCode();
        return environment;
    }

    /// <summary>A data import key for a new workspace.</summary>
    public async Task<string> CreateKeyAsync(string workspace)
    {
        using var response = await Http.PostAsync(new Uri($"manage/workspaces/{workspace}/partners/amplitude/keys", UriKind.Relative), null).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>().ConfigureAwait(false);
        return body.GetProperty("data_import_key").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await Memory.DisposeAsync().ConfigureAwait(false);
        Http.Dispose();
        await App.DisposeAsync().ConfigureAwait(false);
        await Azurite.DisposeAsync().ConfigureAwait(false);
    }
}

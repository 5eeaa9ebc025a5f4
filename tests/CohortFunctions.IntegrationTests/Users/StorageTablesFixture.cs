using CohortFunctions.IntegrationTests.Infrastructure;
using CohortFunctions.Storage;
using CohortFunctions.Telemetry;
using CohortFunctions.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortFunctions.IntegrationTests.Users;

/// <summary>The app's tables on the test run's Azurite under a prefix of their own, for tests of a storage adapter alone.</summary>
public sealed class StorageTablesFixture : IAsyncLifetime, IDisposable
{
    private readonly TestMeterFactory _meters = new();
    private StorageTables? _tables;

    internal StorageTables Tables => _tables ?? throw new InvalidOperationException("The tables are not ready.");

    public async Task InitializeAsync()
    {
        var options = new StorageOptions
        {
            ConnectionString = await AzuriteFixture.GetConnectionStringAsync(),
            TablePrefix = TestAppBuilder.NewTablePrefix(),
        };
        _tables = new StorageTables(Options.Create(options), new CohortMetrics(_meters), NullLogger<StorageTables>.Instance);
        await _tables.EnsureCreatedAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _meters.Dispose();
}

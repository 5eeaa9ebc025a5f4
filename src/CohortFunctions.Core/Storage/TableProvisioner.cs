using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.Storage;

/// <summary>
/// Creates the tables when the app starts. Storage being down at start does not stop the app: health answers 503
/// and the first request that needs a table tries again.
/// </summary>
internal sealed partial class TableProvisioner(StorageTables tables, ILogger<TableProvisioner> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await tables.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex, cancellationToken))
        {
            Log.StorageUnavailableAtStart(logger, ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Storage was not reachable at start; tables will be created on first use")]
        public static partial void StorageUnavailableAtStart(ILogger logger, Exception exception);
    }
}

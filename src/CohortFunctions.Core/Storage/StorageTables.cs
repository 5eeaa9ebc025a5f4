using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CohortFunctions.Storage;

/// <summary>
/// The table clients of the app. Tables are created once per process, at start (see <see cref="TableProvisioner"/>)
/// or on first use if storage was not reachable then; never per request.
/// </summary>
internal sealed partial class StorageTables
{
    private readonly TableServiceClient _service;
    private readonly ILogger<StorageTables> _logger;
    private readonly Lock _gate = new();
    private Task? _provisioning;

    public StorageTables(IOptions<StorageOptions> options, ILogger<StorageTables> logger)
    {
        var settings = options.Value;
        _logger = logger;
        Names = new TableNames(settings.TablePrefix);
        var clientOptions = new TableClientOptions();
        clientOptions.Retry.MaxRetries = settings.MaxRetries;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(settings.NetworkTimeoutSeconds);
        clientOptions.AddPolicy(new TableLossPolicy(this), HttpPipelinePosition.PerRetry);
        _service = settings.TableServiceUri is { } uri
            ? new TableServiceClient(uri, new DefaultAzureCredential(), clientOptions)
            : new TableServiceClient(settings.ConnectionString, clientOptions);
    }

    public TableNames Names { get; }

    public TableServiceClient Service => _service;

    /// <summary>The client of one table, after the app's tables exist.</summary>
    public async ValueTask<TableClient> GetAsync(string tableName, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return _service.GetTableClient(tableName);
    }

    /// <summary>Creates the app's tables if missing; concurrent callers share one attempt, a failed attempt is retried by the next caller.</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        Task task;
        lock (_gate)
        {
            if (_provisioning is null || _provisioning.IsFaulted || _provisioning.IsCanceled)
            {
                _provisioning = CreateTablesAsync();
            }

            task = _provisioning;
        }

        return task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Storage said a table does not exist although it was created: it lost its tables (an emulator restarted empty, a
    /// table deleted by hand). The next caller creates them again, instead of every request failing until a restart.
    /// </summary>
    private void TablesLost()
    {
        lock (_gate)
        {
            if (_provisioning is { IsCompletedSuccessfully: true })
            {
                _provisioning = null;
                Log.TablesLost(_logger);
            }
        }
    }

    private async Task CreateTablesAsync()
    {
        // Not tied to one caller's token: a cancelled request must not leave provisioning half-done for the others.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        foreach (var name in Names.All)
        {
            await _service.CreateTableIfNotExistsAsync(name, timeout.Token).ConfigureAwait(false);
        }

        Log.TablesReady(_logger, Names.All.Count);
    }

    /// <summary>Watches every answer of table storage for <c>TableNotFound</c>.</summary>
    private sealed class TableLossPolicy(StorageTables tables) : HttpPipelineSynchronousPolicy
    {
        public override void OnReceivedResponse(HttpMessage message)
        {
            ArgumentNullException.ThrowIfNull(message);
            if (message.Response.Status == 404
                && message.Response.Headers.TryGetValue("x-ms-error-code", out var code)
                && string.Equals(code, StorageFailures.TableNotFound, StringComparison.Ordinal))
            {
                tables.TablesLost();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Storage tables ready ({Count} tables)")]
        public static partial void TablesReady(ILogger logger, int count);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Storage answered that a table does not exist; the tables will be created again")]
        public static partial void TablesLost(ILogger logger);
    }
}

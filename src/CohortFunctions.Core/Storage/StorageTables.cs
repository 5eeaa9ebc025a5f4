using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using CohortFunctions.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CohortFunctions.Storage;

/// <summary>
/// The table clients of the app. Tables are created once per process, at start (see <see cref="TableProvisioner"/>)
/// or on first use if storage was not reachable then; never per request. Each table has its own client, so that a
/// request the storage client sends again is counted under its table (<see cref="CohortMetrics.StorageRetry"/>).
/// </summary>
internal sealed partial class StorageTables
{
    private readonly StorageOptions _settings;
    private readonly TokenCredential? _credential;
    private readonly TableServiceClient _service;
    private readonly ConcurrentDictionary<string, TableClient> _clients = new(StringComparer.Ordinal);
    private readonly CohortMetrics _metrics;
    private readonly ILogger<StorageTables> _logger;
    private readonly Lock _gate = new();
    private Task? _provisioning;

    public StorageTables(IOptions<StorageOptions> options, CohortMetrics metrics, ILogger<StorageTables> logger)
    {
        _settings = options.Value;
        _metrics = metrics;
        _logger = logger;
        Names = new TableNames(_settings.TablePrefix);
        _credential = _settings.TableServiceUri is null ? null : new DefaultAzureCredential();
        var clientOptions = ClientOptions("tables");
        _service = _settings.TableServiceUri is { } uri
            ? new TableServiceClient(uri, _credential, clientOptions)
            : new TableServiceClient(_settings.ConnectionString, clientOptions);
    }

    public TableNames Names { get; }

    public TableServiceClient Service => _service;

    /// <summary>The client of one table, after the app's tables exist.</summary>
    public async ValueTask<TableClient> GetAsync(string tableName, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return _clients.GetOrAdd(tableName, CreateClient);
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

    private TableClient CreateClient(string tableName)
    {
        var options = ClientOptions(Names.Unprefixed(tableName));
        return _settings.TableServiceUri is { } uri
            ? new TableClient(uri, tableName, _credential, options)
            : new TableClient(_settings.ConnectionString, tableName, options);
    }

    /// <summary>The storage client's settings: bounded retries with backoff, and the app's policies on every attempt.</summary>
    /// <param name="table">The table the client is for, without prefix (<c>tables</c> for the service client).</param>
    private TableClientOptions ClientOptions(string table)
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = _settings.MaxRetries;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(_settings.NetworkTimeoutSeconds);
        options.AddPolicy(new TableLossPolicy(this), HttpPipelinePosition.PerRetry);
        options.AddPolicy(new RetryCountingPolicy(_metrics, table), HttpPipelinePosition.PerRetry);
        return options;
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

    /// <summary>
    /// Counts every attempt after the first of a request: the storage client sends it again after throttling, a
    /// timeout or a server error. The operation is the table and the kind of request, never a key.
    /// </summary>
    private sealed class RetryCountingPolicy(CohortMetrics metrics, string table) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            ArgumentNullException.ThrowIfNull(message);
            if (message.ProcessingContext.RetryNumber > 0)
            {
                metrics.StorageRetry(table + "." + Kind(message.Request));
            }
        }

        private static string Kind(Request request)
        {
            if (request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal))
            {
                return "batch";
            }

            return request.Method.Method switch
            {
                "GET" => "read",
                "POST" => "insert",
                "PUT" or "MERGE" or "PATCH" => "update",
                "DELETE" => "delete",
                _ => "other",
            };
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

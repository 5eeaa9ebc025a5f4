using CohortFunctions.Storage;

namespace CohortFunctions.Health;

/// <summary>Whether the app can do its work: table storage answers within a few seconds.</summary>
internal sealed class StorageHealth(StorageTables tables)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var table = await tables.GetAsync(tables.Names.ImportKeys, timeout.Token).ConfigureAwait(false);
            await foreach (var page in table.QueryAsync<Azure.Data.Tables.TableEntity>(
                filter: "PartitionKey eq 'health'", maxPerPage: 1, select: ["PartitionKey"], cancellationToken: timeout.Token)
                .AsPages().ConfigureAwait(false))
            {
                break;
            }

            return true;
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex, cancellationToken) || ex is Azure.RequestFailedException)
        {
            return false;
        }
    }
}

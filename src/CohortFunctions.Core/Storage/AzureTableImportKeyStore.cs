using Azure;
using Azure.Data.Tables;
using CohortFunctions.ImportKeys;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>
/// Data import keys in Table Storage. Each key has two rows: the lookup row (partition per key hash), which is
/// authoritative for whether a secret is valid, and the listing row in the workspace-and-partner partition.
/// The lookup row is written first on create and on invalidate, so a crash between the two writes can leave an
/// unlisted key that nobody was told the secret of, but never a listed key that still works after invalidation.
/// </summary>
internal sealed class AzureTableImportKeyStore(StorageTables tables) : IImportKeyStore
{
    public async Task AddAsync(StoredImportKey key, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        await AddNewAsync(table, ImportKeyEntity.Lookup(key), cancellationToken).ConfigureAwait(false);
        await AddNewAsync(table, ImportKeyEntity.Listing(key), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DataImportKey>> ListAsync(WorkspaceId workspace, string partner, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var partition = StorageKeys.ImportKeyListing(workspace, partner);
        var keys = new List<DataImportKey>();
        await foreach (var entity in table.QueryAsync<ImportKeyEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(entity.ToStored().Key);
        }

        return [.. keys.OrderBy(k => k.CreatedAt).ThenBy(k => k.KeyId, StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<WorkspaceId>> ListWorkspacesAsync(CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (from, to) = StorageKeys.ImportKeyListings();
        var workspaces = new HashSet<WorkspaceId>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {to}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, select: [nameof(ImportKeyEntity.Workspace)], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (WorkspaceId.Parse(entity.GetString(nameof(ImportKeyEntity.Workspace))).TryGetValue(out var workspace, out _))
            {
                workspaces.Add(workspace);
            }
        }

        return [.. workspaces];
    }

    public async Task<StoredImportKey?> GetAsync(WorkspaceId workspace, string partner, string keyId, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<ImportKeyEntity>(
            StorageKeys.ImportKeyListing(workspace, partner), keyId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value!.ToStored() : null;
    }

    public async Task InvalidateAsync(StoredImportKey key, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (lookupPartition, lookupRow) = StorageKeys.ImportKeyByHash(key.SecretHash);
        var patch = new TableEntity(lookupPartition, lookupRow) { [nameof(ImportKeyEntity.InvalidatedAt)] = at };
        await table.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        var listing = new TableEntity(StorageKeys.ImportKeyListing(key.Key.Workspace, key.Key.Partner), key.Key.KeyId)
        {
            [nameof(ImportKeyEntity.InvalidatedAt)] = at,
        };
        await table.UpdateEntityAsync(listing, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    public async Task<StoredImportKey?> FindByHashAsync(string secretHash, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.ImportKeyByHash(secretHash);
        var found = await table.GetEntityIfExistsAsync<ImportKeyEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value!.ToStored() : null;
    }

    public async Task RecordLastUsedAsync(DataImportKey key, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var listing = new TableEntity(StorageKeys.ImportKeyListing(key.Workspace, key.Partner), key.KeyId)
        {
            [nameof(ImportKeyEntity.LastUsedAt)] = at,
        };
        try
        {
            await table.UpdateEntityAsync(listing, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The listing row was never written (see the class remarks): nothing to record against.
        }
    }

    /// <summary>
    /// Adds a row keyed by a new random secret hash or key id: if it exists, it is this write's own, which landed while
    /// its answer was lost and the SDK sent it again.
    /// </summary>
    private static async Task AddNewAsync(TableClient table, ImportKeyEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
        }
    }

    private ValueTask<TableClient> Table(CancellationToken cancellationToken) => tables.GetAsync(tables.Names.ImportKeys, cancellationToken);
}

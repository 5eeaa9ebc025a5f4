using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Resync;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>Pending identifiers in Table Storage (table <c>pending</c>).</summary>
internal sealed class AzureTablePendingStore(StorageTables tables) : IPendingStore
{
    public async Task RecordAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<IdentifierIntent> unmatched, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unmatched);
        await UpsertAsync(workspace, cohort, [.. unmatched.Select(u => PendingEntity.For(u.Identifier, u.Remove, at, superseded: false))], cancellationToken).ConfigureAwait(false);
    }

    public async Task SupersedeAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<Identifier> applied, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applied);
        await UpsertAsync(workspace, cohort, [.. applied.Select(i => PendingEntity.For(i, remove: false, at, superseded: true))], cancellationToken).ConfigureAwait(false);
    }

    public async Task<(IReadOnlyList<PendingIdentifier> Rows, PendingCursor Next)> ReadAsync(WorkspaceId workspace, CohortRef cohort, PendingCursor cursor, int max, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var rows = new List<PendingIdentifier>(max);
        while (!cursor.IsComplete && rows.Count < max)
        {
            var partition = StorageKeys.PendingPartition(workspace, cohort, cursor.Bucket);
            var after = cursor.After ?? "";
            var last = cursor.After;
            await foreach (var page in table.QueryAsync<PendingEntity>(
                e => e.PartitionKey == partition && e.RowKey.CompareTo(after) > 0,
                maxPerPage: Math.Min(max - rows.Count, 1000),
                cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
            {
                foreach (var entity in page.Values)
                {
                    if (rows.Count >= max)
                    {
                        break;
                    }

                    rows.Add(entity.ToPending());
                    last = entity.RowKey;
                }

                if (rows.Count >= max)
                {
                    break;
                }
            }

            // Full: resume after the last row (the next read finds out whether the bucket has more). Short: the bucket is done.
            cursor = rows.Count >= max ? new PendingCursor(cursor.Bucket, last) : new PendingCursor(cursor.Bucket + 1, null);
        }

        return (rows, cursor);
    }

    public async Task<int> DeleteAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<PendingIdentifier> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var row in rows)
        {
            var (partition, key) = Keys(workspace, cohort, row.Identifier);
            try
            {
                var response = await table.DeleteEntityAsync(partition, key, (ETag)row.Version, cancellationToken).ConfigureAwait(false);
                deleted += response.Status == 404 ? 0 : 1;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // A newer postback replaced this intent since it was read: keep the newer one.
            }
        }

        return deleted;
    }

    public async Task<bool> AnyAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        for (var bucket = 0; bucket < PendingCursor.Buckets; bucket++)
        {
            var partition = StorageKeys.PendingPartition(workspace, cohort, bucket);
            await foreach (var page in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
            {
                if (page.Values.Count > 0)
                {
                    return true;
                }

                break;
            }
        }

        return false;
    }

    public async Task<IReadOnlyList<PendingIdentifier>> FindAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<Identifier> identifiers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var found = new System.Collections.Concurrent.ConcurrentBag<PendingIdentifier>();
        await Parallel.ForEachAsync(identifiers.Distinct(), cancellationToken, async (identifier, ct) =>
        {
            var (partition, key) = Keys(workspace, cohort, identifier);
            var row = await table.GetEntityIfExistsAsync<PendingEntity>(partition, key, cancellationToken: ct).ConfigureAwait(false);

            // A key of a long value is a hash: the row's own value decides.
            if (row.HasValue && row.Value!.ToIdentifier() == identifier)
            {
                found.Add(row.Value.ToPending());
            }
        }).ConfigureAwait(false);
        return [.. found];
    }

    /// <summary>The bucket of an identifier: a stable hash (string hash codes differ between processes).</summary>
    internal static int Bucket(string rowKey) => SHA256.HashData(Encoding.UTF8.GetBytes(rowKey))[0] % PendingCursor.Buckets;

    private static (string Partition, string Row) Keys(WorkspaceId workspace, CohortRef cohort, Identifier identifier)
    {
        var row = StorageKeys.PendingRow(identifier);
        return (StorageKeys.PendingPartition(workspace, cohort, Bucket(row)), row);
    }

    private async Task UpsertAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<PendingEntity> entities, CancellationToken cancellationToken)
    {
        if (entities.Count == 0)
        {
            return;
        }

        var table = await Table(cancellationToken).ConfigureAwait(false);
        foreach (var entity in entities)
        {
            (entity.PartitionKey, entity.RowKey) = Keys(workspace, cohort, entity.ToIdentifier());
        }

        // A request names each identifier once per intent, but may name it under both intents: keep the last.
        var distinct = entities.GroupBy(e => (e.PartitionKey, e.RowKey)).Select(g => g.Last());
        await Parallel.ForEachAsync(
            distinct.GroupBy(e => e.PartitionKey).SelectMany(p => p.Chunk(100)),
            new ParallelOptions { MaxDegreeOfParallelism = PendingCursor.Buckets, CancellationToken = cancellationToken },
            async (chunk, ct) => await table.SubmitTransactionAsync(
                chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private ValueTask<TableClient> Table(CancellationToken cancellationToken) => tables.GetAsync(tables.Names.Pending, cancellationToken);
}

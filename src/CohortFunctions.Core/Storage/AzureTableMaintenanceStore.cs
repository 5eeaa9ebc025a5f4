using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using CohortFunctions.Cohorts;
using CohortFunctions.DataPoints;
using CohortFunctions.Maintenance;
using CohortFunctions.Resync;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>Maintenance over the tables: compaction of count deltas, ledger repair, purge of expired pending rows.</summary>
internal sealed class AzureTableMaintenanceStore(StorageTables tables, IDataPointLedger ledger) : IMaintenanceStore
{
    /// <summary>A compaction transaction: the count row plus up to 99 deltas.</summary>
    private const int DeltasPerTransaction = 99;

    public async IAsyncEnumerable<(WorkspaceId Workspace, Cohort Cohort, string Key)> CohortsAsync(string? after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(tables.Names.Cohorts, cancellationToken).ConfigureAwait(false);
        var (afterPartition, afterRow) = SplitKey(after);
        var (maintenancePartition, _) = StorageKeys.MaintenanceCursor;
        await foreach (var entity in table.QueryAsync<CohortEntity>(
            e => (e.PartitionKey.CompareTo(afterPartition) > 0 || (e.PartitionKey == afterPartition && e.RowKey.CompareTo(afterRow) > 0))
                && e.PartitionKey != maintenancePartition,
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (WorkspaceId.Parse(entity.PartitionKey).TryGetValue(out var workspace, out _))
            {
                yield return (workspace, entity.ToCohort(), entity.PartitionKey + "\n" + entity.RowKey);
            }
        }
    }

    public async Task<CompactionResult> CompactAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(tables.Names.Memberships, cancellationToken).ConfigureAwait(false);
        int folded = 0, rewritten = 0;
        foreach (var shard in UserId.Shards)
        {
            var partition = StorageKeys.MembershipPartition(workspace, cohort, shard);
            var rows = new List<MemberCountEntity>();
            await foreach (var row in table.QueryAsync<MemberCountEntity>(
                e => e.PartitionKey == partition && e.RowKey.CompareTo(StorageKeys.FirstNonMemberRow) >= 0,
                cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                rows.Add(row);
            }

            var deltas = rows.Where(r => r.RowKey.StartsWith(StorageKeys.MemberDeltaPrefix, StringComparison.Ordinal)).ToList();
            if (deltas.Count == 0)
            {
                continue;
            }

            rewritten += await RewriteLedgerAsync(workspace, deltas, cancellationToken).ConfigureAwait(false);
            var count = rows.FirstOrDefault(r => r.RowKey == StorageKeys.MemberCountRow);
            foreach (var chunk in deltas.Chunk(DeltasPerTransaction))
            {
                var total = (count?.Count ?? 0) + chunk.Sum(d => (long)(d.Delta ?? 0));
                var actions = new List<TableTransactionAction>(chunk.Length + 1);
                if (count is null)
                {
                    count = new MemberCountEntity { PartitionKey = partition, RowKey = StorageKeys.MemberCountRow, Count = total };
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, count));
                }
                else
                {
                    count.Count = total;
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, count, count.ETag));
                }

                actions.AddRange(chunk.Select(d => new TableTransactionAction(TableTransactionActionType.Delete, d, d.ETag)));
                try
                {
                    var response = await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                    count.ETag = response.Value[0].Headers.ETag ?? count.ETag;
                    folded += chunk.Length;
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
                {
                    // Another maintenance run compacted this shard meanwhile: the next run picks up what is left.
                    break;
                }
            }
        }

        return new CompactionResult(folded, rewritten);
    }

    public async Task<(int Purged, bool Complete)> PurgeExpiredAsync(WorkspaceId workspace, CohortRef cohort, DateTimeOffset cutoff, DateTimeOffset deadline, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var table = await tables.GetAsync(tables.Names.Pending, cancellationToken).ConfigureAwait(false);
        var purged = 0;
        for (var bucket = 0; bucket < PendingCursor.Buckets; bucket++)
        {
            var partition = StorageKeys.PendingPartition(workspace, cohort, bucket);
            var expired = new List<TableEntity>();
            // A filter string, not LINQ: the SDK's LINQ provider cannot translate TableEntity.GetDateTimeOffset. The
            // delete below needs both keys, so both are selected.
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and At lt {cutoff}");
            await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                expired.Add(row);
            }

            foreach (var chunk in expired.Chunk(100))
            {
                if (time.GetUtcNow() >= deadline)
                {
                    return (purged, false);
                }

                try
                {
                    await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, e.ETag)), cancellationToken).ConfigureAwait(false);
                    purged += chunk.Length;
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
                {
                    // Rows replaced by a newer postback (or already gone) stay for the next run to judge.
                }
            }
        }

        return (purged, true);
    }

    public async Task<string?> LoadCursorAsync(CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(tables.Names.Cohorts, cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.MaintenanceCursor;
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value!.GetString("Cursor") : null;
    }

    public async Task SaveCursorAsync(string? cursor, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(tables.Names.Cohorts, cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.MaintenanceCursor;
        await table.UpsertEntityAsync(new TableEntity(partition, row) { ["Cursor"] = cursor }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> RewriteLedgerAsync(WorkspaceId workspace, List<MemberCountEntity> deltas, CancellationToken cancellationToken)
    {
        var rewritten = 0;
        var counted = deltas.Where(d => d is { DataPoints: > 0, PostbackId: not null, Partner: not null, Day: not null });
        foreach (var group in counted.GroupBy(d => (d.Partner!, d.Day!)))
        {
            if (!DateOnly.TryParseExact(group.Key.Item2, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                continue;
            }

            var entries = group.Select(d => new DataPointEntry(d.RowKey[StorageKeys.MemberDeltaPrefix.Length..], d.PostbackId!, d.DataPoints!.Value)).ToList();
            await ledger.RecordAsync(workspace, group.Key.Item1, day, entries, cancellationToken).ConfigureAwait(false);
            rewritten += entries.Count;
        }

        return rewritten;
    }

    private static (string Partition, string Row) SplitKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return ("", "");
        }

        var newline = key.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? (key, "") : (key[..newline], key[(newline + 1)..]);
    }
}

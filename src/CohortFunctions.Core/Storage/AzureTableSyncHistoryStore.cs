using Azure;
using Azure.Data.Tables;
using CohortFunctions.Cohorts;
using CohortFunctions.History;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>
/// Sync history in Table Storage (table <c>synchistory</c>). A workspace's records of one UTC day are spread over
/// <see cref="StorageKeys.HistoryBuckets"/> partitions by cohort; in its partition each record has a row in time
/// order (<c>t|{time key}</c>, the workspace feed) and one in its cohort's order (<c>c|{partner}|{cohort}|{time key}</c>),
/// written together by one transaction. Time keys count down, so every range reads newest first.
/// </summary>
internal sealed class AzureTableSyncHistoryStore(StorageTables tables) : ISyncHistoryStore
{
    /// <summary>Records per transaction: two rows each, within the 100 operations a transaction takes.</summary>
    private const int RecordsPerTransaction = 50;

    private const int WriteParallelism = 8;

    public async Task AppendAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        var table = await Table(cancellationToken).ConfigureAwait(false);
        var transactions = records
            .GroupBy(r => StorageKeys.HistoryPartition(r.Workspace, DateOnly.FromDateTime(r.At.UtcDateTime), StorageKeys.HistoryBucket(r.Partner, r.CohortId)))
            .SelectMany(partition => partition.Chunk(RecordsPerTransaction).Select(chunk => chunk.SelectMany(r => Rows(partition.Key, r)).ToList()))
            .ToList();

        // Upserts: a round written again after a failure that hid a success writes the same rows, nothing more.
        await Parallel.ForEachAsync(
            transactions,
            new ParallelOptions { MaxDegreeOfParallelism = WriteParallelism, CancellationToken = cancellationToken },
            async (rows, ct) => await table.SubmitTransactionAsync(
                rows.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    public Task<HistoryPage> ReadCohortAsync(WorkspaceId workspace, CohortRef cohort, HistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        return ReadAsync(
            workspace,
            query,
            [StorageKeys.HistoryBucket(cohort.Partner, cohort.CohortId)],
            StorageKeys.HistoryCohortPrefix(cohort),
            partner: null,
            // A cohort id too long to stay readable in a key is hashed there: the raw id decides.
            keep: e => string.Equals(e.CohortId, cohort.CohortId, StringComparison.Ordinal),
            cancellationToken);
    }

    public Task<HistoryPage> ReadWorkspaceAsync(WorkspaceId workspace, HistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(workspace, query, [.. Enumerable.Range(0, StorageKeys.HistoryBuckets)], StorageKeys.HistoryFeedPrefix, query.Partner, keep: _ => true, cancellationToken);
    }

    public async Task<(int Deleted, bool Complete)> PurgeAsync(WorkspaceId workspace, DateOnly firstDayKept, DateTimeOffset deadline, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (from, to) = StorageKeys.HistoryDaysBefore(workspace, firstDayKept);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {to}");
        var deleted = 0;
        await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            if (time.GetUtcNow() >= deadline)
            {
                return (deleted, false);
            }

            await Parallel.ForEachAsync(
                page.Values.GroupBy(e => e.PartitionKey).SelectMany(p => p.Chunk(100)),
                new ParallelOptions { MaxDegreeOfParallelism = WriteParallelism, CancellationToken = cancellationToken },
                async (chunk, ct) =>
                {
                    try
                    {
                        await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)), ct).ConfigureAwait(false);
                        Interlocked.Add(ref deleted, chunk.Length);
                    }
                    catch (TableTransactionFailedException ex) when (ex.Status == 404)
                    {
                        // Another run deleted a row of this chunk meanwhile: the next run deletes what is left of it.
                    }
                }).ConfigureAwait(false);
        }

        return (deleted, true);
    }

    public async Task<string?> LoadSweepCursorAsync(CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.HistorySweepCursor;
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value!.GetString("Cursor") : null;
    }

    public async Task SaveSweepCursorAsync(string? cursor, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.HistorySweepCursor;
        await table.UpsertEntityAsync(new TableEntity(partition, row) { ["Cursor"] = cursor }, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<SyncHistoryEntity> Rows(string partition, SyncRecord record)
    {
        var timeKey = HistoryCursor.TimeKey(record.At, record.Id);
        yield return SyncHistoryEntity.For(record, partition, StorageKeys.HistoryFeedRow(timeKey));
        if (record.CohortId is { } cohortId)
        {
            yield return SyncHistoryEntity.For(record, partition, StorageKeys.HistoryCohortRow(new CohortRef(record.Partner, cohortId), timeKey));
        }
    }

    /// <summary>
    /// Walks the days from the cursor's (or the newest) back to the oldest wanted, reading in each the rows after
    /// <paramref name="prefix"/> and the cursor's time key from every bucket given, newest first, until the page is full.
    /// </summary>
    private async Task<HistoryPage> ReadAsync(
        WorkspaceId workspace,
        HistoryQuery query,
        int[] buckets,
        string prefix,
        string? partner,
        Func<SyncHistoryEntity, bool> keep,
        CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var records = new List<SyncRecord>(query.Limit);
        var oldestDay = DateOnly.FromDateTime(query.Oldest.UtcDateTime);
        var through = StorageKeys.HistoryRowsThrough(prefix, HistoryCursor.InvertedTicks(query.Oldest));
        var after = query.Cursor?.After;
        for (var day = query.Cursor?.Day ?? query.NewestDay; day >= oldestDay; day = day.AddDays(-1), after = null)
        {
            var wanted = query.Limit - records.Count;
            var from = prefix + after;
            var read = await Task.WhenAll(buckets.Select(bucket =>
                NewestAsync(table, StorageKeys.HistoryPartition(workspace, day, bucket), from, through, partner, wanted, cancellationToken))).ConfigureAwait(false);
            var merged = read.SelectMany(rows => rows).Where(keep).OrderBy(e => e.RowKey, StringComparer.Ordinal).Take(wanted).ToList();
            records.AddRange(merged.Select(e => e.ToRecord(workspace)));
            if (records.Count >= query.Limit)
            {
                return new HistoryPage(records, new HistoryCursor(day, merged[^1].RowKey[prefix.Length..]).Encode());
            }

            if (day == DateOnly.MinValue)
            {
                break;
            }
        }

        return new HistoryPage(records, null);
    }

    /// <summary>Up to <paramref name="wanted"/> rows of one partition after <paramref name="from"/> and before <paramref name="through"/>, in key order.</summary>
    private static async Task<List<SyncHistoryEntity>> NewestAsync(TableClient table, string partition, string from, string through, string? partner, int wanted, CancellationToken cancellationToken)
    {
        var filter = partner is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {from} and RowKey lt {through}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {from} and RowKey lt {through} and Partner eq {partner}");
        var rows = new List<SyncHistoryEntity>(Math.Min(wanted, 1000));
        await foreach (var page in table.QueryAsync<SyncHistoryEntity>(filter, maxPerPage: Math.Min(wanted, 1000), cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            rows.AddRange(page.Values.Take(wanted - rows.Count));
            if (rows.Count >= wanted)
            {
                break;
            }
        }

        return rows;
    }

    private ValueTask<TableClient> Table(CancellationToken cancellationToken) => tables.GetAsync(tables.Names.SyncHistory, cancellationToken);
}

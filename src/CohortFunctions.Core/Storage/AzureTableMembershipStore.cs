using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using CohortFunctions.Cohorts;
using CohortFunctions.DataPoints;
using CohortFunctions.Memberships;
using CohortFunctions.Telemetry;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>
/// Memberships in Table Storage. A cohort's members live in 16 partitions (one per user shard), a row per member.
/// Every batch of changes is one entity group transaction that also adds a count delta row, so member counts and
/// data points are exact however postbacks interleave, and no counter row is contended.
/// <para>
/// A batch is first tried optimistically, as if every add were new and every remove an existing member (true for an
/// initial sync and for deltas): conditional inserts and deletes make a wrong guess fail the whole transaction
/// without effect. Then the members' current rows are read and the transaction is rebuilt with only the effective
/// changes, guarded by ETags; a concurrent change makes it fail and it is rebuilt again.
/// </para>
/// </summary>
internal sealed class AzureTableMembershipStore(StorageTables tables, TimeProvider time, CohortMetrics metrics) : IMembershipStore
{
    /// <summary>A transaction holds at most 100 operations: 99 member changes and their delta row.</summary>
    private const int ChunkSize = 99;

    private const int MaxAttempts = 8;

    private const int ReadParallelism = 32;

    public async Task<(MembershipResult Result, IReadOnlyList<DataPointEntry> DataPoints)> ApplyAsync(
        WorkspaceId workspace,
        CohortRef cohort,
        char shard,
        IReadOnlyList<MembershipChange> changes,
        ChangeOrigin origin,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(origin);
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var partition = StorageKeys.MembershipPartition(workspace, cohort, shard);
        var total = MembershipResult.None;
        var ledger = new List<DataPointEntry>();
        var optimistic = true;
        foreach (var chunk in changes.Chunk(ChunkSize))
        {
            var (result, entry, guessedRight) = await ApplyChunkAsync(table, workspace, partition, cohort, chunk, origin, optimistic, cancellationToken).ConfigureAwait(false);
            total = total.Plus(result);
            if (entry is not null)
            {
                ledger.Add(entry);
            }

            // A wrong guess means the sender is retrying or re-sending: read first for the rest of this shard.
            optimistic &= guessedRight;
        }

        return (total, ledger);
    }

    public async Task<bool> IsMemberAsync(WorkspaceId workspace, CohortRef cohort, UserId user, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(
            StorageKeys.MembershipPartition(workspace, cohort, user.Shard), user.Value, ["RowKey"], cancellationToken).ConfigureAwait(false);
        return found.HasValue;
    }

    public async Task<Membership?> GetAsync(WorkspaceId workspace, CohortRef cohort, UserId user, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<MemberEntity>(
            StorageKeys.MembershipPartition(workspace, cohort, user.Shard), user.Value, [nameof(MemberEntity.AddedAt), nameof(MemberEntity.AddedBy)], cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value!.ToMembership() : null;
    }

    public async Task<long> CountAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var counts = await Task.WhenAll(UserId.Shards.Select(async shard =>
        {
            var partition = StorageKeys.MembershipPartition(workspace, cohort, shard);
            long count = 0;
            await foreach (var row in table.QueryAsync<TableEntity>(
                e => e.PartitionKey == partition && e.RowKey.CompareTo(StorageKeys.FirstNonMemberRow) >= 0,
                select: [nameof(MemberCountEntity.Count), nameof(MemberCountEntity.Delta)],
                cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                count += row.GetInt64(nameof(MemberCountEntity.Count)) ?? 0;
                count += row.GetInt32(nameof(MemberCountEntity.Delta)) ?? 0;
            }

            return count;
        })).ConfigureAwait(false);
        return counts.Sum();
    }

    public async Task<MemberPage> ListAsync(WorkspaceId workspace, CohortRef cohort, int limit, string? continuation, CancellationToken cancellationToken)
    {
        if (!MemberCursor.TryParse(continuation, out var parsed))
        {
            throw new ArgumentException("Invalid continuation token.", nameof(continuation));
        }

        var table = await Table(cancellationToken).ConfigureAwait(false);
        var cursor = parsed.Value;
        var members = new List<UserId>(limit);
        while (cursor.ShardIndex < UserId.ShardCount)
        {
            var partition = StorageKeys.MembershipPartition(workspace, cohort, UserId.Shards[cursor.ShardIndex]);
            var after = cursor.After ?? "";
            var wanted = limit - members.Count;
            await foreach (var page in table.QueryAsync<TableEntity>(
                e => e.PartitionKey == partition && e.RowKey.CompareTo(after) > 0 && e.RowKey.CompareTo(StorageKeys.FirstNonMemberRow) < 0,
                maxPerPage: Math.Min(wanted, 1000),
                select: ["RowKey"],
                cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
            {
                foreach (var row in page.Values)
                {
                    if (members.Count < limit && UserId.TryParse(row.RowKey, out var user))
                    {
                        members.Add(user);
                    }
                }

                if (members.Count >= limit)
                {
                    break;
                }
            }

            if (members.Count >= limit)
            {
                var next = new MemberCursor(cursor.ShardIndex, members[^1].Value);
                return new MemberPage(members, next.Encode());
            }

            cursor = new MemberCursor(cursor.ShardIndex + 1, null);
        }

        return new MemberPage(members, null);
    }

    private async Task<(MembershipResult Result, DataPointEntry? Entry, bool GuessedRight)> ApplyChunkAsync(
        TableClient table,
        WorkspaceId workspace,
        string partition,
        CohortRef cohort,
        MembershipChange[] chunk,
        ChangeOrigin origin,
        bool optimistic,
        CancellationToken cancellationToken)
    {
        if (optimistic)
        {
            var adds = chunk.Count(c => c.Add);
            var actions = chunk
                .Select(c => c.Add
                    ? new TableTransactionAction(TableTransactionActionType.Add, MemberEntity.For(partition, c.User, time.GetUtcNow(), origin.Source))
                    : new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, c.User.Value), ETag.All))
                .ToList();
            var entry = await TryCommitAsync(table, partition, cohort, actions, adds, chunk.Length - adds, origin, cancellationToken).ConfigureAwait(false);
            if (entry.Committed)
            {
                return (new MembershipResult(adds, chunk.Length - adds, 0), entry.Entry, true);
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadMembersAsync(table, partition, chunk, cancellationToken).ConfigureAwait(false);
            var actions = new List<TableTransactionAction>(chunk.Length + 1);
            int added = 0, removed = 0;
            foreach (var change in chunk)
            {
                var existing = current[change.User];
                if (change.Add && existing is null)
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, MemberEntity.For(partition, change.User, time.GetUtcNow(), origin.Source)));
                    added++;
                }
                else if (!change.Add && existing is { } etag)
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, change.User.Value), etag));
                    removed++;
                }
            }

            var unchanged = chunk.Length - added - removed;
            if (actions.Count == 0)
            {
                return (new MembershipResult(0, 0, unchanged), null, !optimistic);
            }

            var committed = await TryCommitAsync(table, partition, cohort, actions, added, removed, origin, cancellationToken).ConfigureAwait(false);
            if (committed.Committed)
            {
                return (new MembershipResult(added, removed, unchanged), committed.Entry, !optimistic);
            }

            if (attempt >= MaxAttempts)
            {
                throw new ContentionException(
                    $"Membership changes in one shard kept conflicting with concurrent writers after {MaxAttempts} attempts.");
            }

            // A guarded transaction lost to a concurrent writer (a failed optimistic first try is a wrong guess, not
            // counted): read the members again and retry.
            metrics.StorageConflict(MetricScope.Of(workspace, cohort.Partner), StorageOperations.MembershipsCommit);
        }
    }

    /// <summary>Commits member actions plus their delta row; false when a guard failed (a concurrent or wrongly guessed state).</summary>
    private static async Task<(bool Committed, DataPointEntry? Entry)> TryCommitAsync(
        TableClient table,
        string partition,
        CohortRef cohort,
        List<TableTransactionAction> actions,
        int added,
        int removed,
        ChangeOrigin origin,
        CancellationToken cancellationToken)
    {
        var batchId = Guid.NewGuid().ToString("N");
        var dataPoints = origin.CountsDataPoints ? added + removed : 0;
        var delta = new MemberCountEntity
        {
            PartitionKey = partition,
            RowKey = StorageKeys.MemberDeltaRow(batchId),
            Delta = added - removed,
            DataPoints = dataPoints,
            Day = origin.Day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture),
            Partner = cohort.Partner,
            PostbackId = origin.PostbackId,
        };
        actions.Add(new TableTransactionAction(TableTransactionActionType.Add, delta));
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return (false, null);
        }

        return (true, dataPoints > 0 && origin.PostbackId is { } postback ? new DataPointEntry(batchId, postback, dataPoints) : null);
    }

    private static async Task<Dictionary<UserId, ETag?>> ReadMembersAsync(TableClient table, string partition, MembershipChange[] chunk, CancellationToken cancellationToken)
    {
        var current = new ConcurrentDictionary<UserId, ETag?>();
        await Parallel.ForEachAsync(chunk, Parallelism(cancellationToken), async (change, ct) =>
        {
            var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, change.User.Value, ["RowKey"], ct).ConfigureAwait(false);
            current[change.User] = found.HasValue ? found.Value!.ETag : null;
        }).ConfigureAwait(false);
        return new Dictionary<UserId, ETag?>(current);
    }

    private static ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken };

    private ValueTask<TableClient> Table(CancellationToken cancellationToken) => tables.GetAsync(tables.Names.Memberships, cancellationToken);
}

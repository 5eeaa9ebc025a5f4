using System.Diagnostics;
using Azure.Data.Tables;
using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Storage;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Benchmark;

/// <summary>
/// The storage floors of the scale run, issued directly with Azure.Data.Tables against the same Azurite, in tables of
/// their own (dropped when measured, so Azurite does not keep them in memory), and the same queries on large and small
/// tables that show where Azurite's table scans, not the design, set a figure.
/// </summary>
internal sealed class ScaleFloor(TableServiceClient service, WorkspaceId workspace)
{
    /// <summary>Entries one users request applies at once (the app's <c>EntryBatch.Parallelism</c>).</summary>
    private const int EntryParallelism = 16;

    private const int SmallTableSamples = 20;

    /// <summary>
    /// The least a users import writes for identified users with an external id each: per request of
    /// <paramref name="batchSize"/> users, their profiles in one transaction per user shard (≤ 100 rows) and one
    /// create-only insert of each external id's index row; <paramref name="parallelism"/> requests at once, as the
    /// importer sends them. Returns the wall time.
    /// </summary>
    public async Task<TimeSpan> ImportAsync(IReadOnlyList<string> externalIds, int batchSize, int parallelism)
    {
        var users = service.GetTableClient("floorusers");
        var identifiers = service.GetTableClient("flooridentifiers");
        await users.CreateIfNotExistsAsync().ConfigureAwait(false);
        await identifiers.CreateIfNotExistsAsync().ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var wall = Stopwatch.StartNew();
        await Parallel.ForEachAsync(externalIds.Chunk(batchSize), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (chunk, ct) =>
        {
            var profiles = chunk.Select(id => new UserProfile(UserId.New(), workspace, id, [], [], false, now)).ToList();
            var transactions = profiles.Select(p => UserEntity.From(p, now)).GroupBy(e => e.PartitionKey).SelectMany(g => g.Chunk(Transactions.MaxOperations));
            await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = Transactions.Parallelism, CancellationToken = ct }, async (rows, ct2) =>
                await users.SubmitTransactionAsync(rows.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct2).ConfigureAwait(false)).ConfigureAwait(false);
            await Parallel.ForEachAsync(profiles, new ParallelOptions { MaxDegreeOfParallelism = EntryParallelism, CancellationToken = ct }, async (p, ct2) =>
                await identifiers.AddEntityAsync(IdentifierEntity.For(workspace, Identifier.External(p.ExternalId!), p.UserId, matchable: true, now), ct2).ConfigureAwait(false)).ConfigureAwait(false);
        }).ConfigureAwait(false);
        wall.Stop();
        await users.DeleteAsync().ConfigureAwait(false);
        await identifiers.DeleteAsync().ConfigureAwait(false);
        return wall.Elapsed;
    }

    /// <summary>
    /// The export's floor: one range read per page that returns the page's members with their external ids, from rows
    /// that carry them (a table built here, untimed, from what the export returned), walked shard by shard in user id
    /// order as the export walks. Also the same page query on a table of one page: Azurite's scan is the difference.
    /// </summary>
    public async Task<(TimeSpan Wall, int Pages, double LargePageMs, double SmallPageMs)> ExportAsync(IReadOnlyList<(string UserId, string? ExternalId)> members, int pageSize)
    {
        var table = service.GetTableClient("floorexport");
        await table.CreateIfNotExistsAsync().ConfigureAwait(false);
        var rows = members.Select(m => new TableEntity(m.UserId[..1], m.UserId) { ["ExternalId"] = m.ExternalId }).ToList();
        await Parallel.ForEachAsync(
            rows.GroupBy(r => r.PartitionKey).SelectMany(g => g.Chunk(Transactions.MaxOperations)),
            new ParallelOptions { MaxDegreeOfParallelism = Transactions.Parallelism },
            async (chunk, ct) => await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct).ConfigureAwait(false)).ConfigureAwait(false);

        var pages = 0;
        var wall = Stopwatch.StartNew();
        foreach (var shard in UserId.Shards)
        {
            pages += await WalkAsync(table, shard.ToString(), pageSize, ["RowKey", "ExternalId"]).ConfigureAwait(false);
        }

        wall.Stop();
        var small = await SmallTableAsync(rows.Where(r => r.PartitionKey == "0").Take(pageSize)).ConfigureAwait(false);
        var smallPageMs = await AverageMsAsync(() => WalkAsync(small, "0", pageSize, ["RowKey", "ExternalId"])).ConfigureAwait(false);
        await small.DeleteAsync().ConfigureAwait(false);
        await table.DeleteAsync().ConfigureAwait(false);
        return (wall.Elapsed, pages, wall.Elapsed.TotalMilliseconds / Math.Max(pages, 1), smallPageMs);
    }

    /// <summary>The member pages of a cohort alone (user ids only, what segment evaluation reads), without the profile reads.</summary>
    public async Task<TimeSpan> MemberPagesAsync(CohortRef cohort, int pageSize)
    {
        var table = service.GetTableClient(new TableNames("").Memberships);
        var wall = Stopwatch.StartNew();
        foreach (var shard in UserId.Shards)
        {
            await WalkAsync(table, StorageKeys.MembershipPartition(workspace, cohort, shard), pageSize, ["RowKey"], StorageKeys.FirstNonMemberRow).ConfigureAwait(false);
        }

        return wall.Elapsed;
    }

    /// <summary>
    /// A member count's query (a partition's count rows: RowKey from <c>~</c>), timed on the memberships table and on a
    /// small table holding the same count rows; and how many rows the memberships table holds.
    /// </summary>
    public async Task<(double LargeMs, double SmallMs, long MembershipRows)> CountQueryAsync(CohortRef cohort)
    {
        var memberships = service.GetTableClient(new TableNames("").Memberships);
        var partition = StorageKeys.MembershipPartition(workspace, cohort, '0');
        List<TableEntity> countRows = [];
        var largeMs = await AverageMsAsync(async () =>
        {
            countRows = await memberships.QueryAsync<TableEntity>(e => e.PartitionKey == partition && e.RowKey.CompareTo(StorageKeys.FirstNonMemberRow) >= 0).ToListAsync().ConfigureAwait(false);
            return countRows.Count;
        }).ConfigureAwait(false);
        var small = await SmallTableAsync(countRows.Count > 0 ? countRows : [new TableEntity(partition, StorageKeys.MemberCountRow)]).ConfigureAwait(false);
        var smallMs = await AverageMsAsync(async () =>
            (await small.QueryAsync<TableEntity>(e => e.PartitionKey == partition && e.RowKey.CompareTo(StorageKeys.FirstNonMemberRow) >= 0).ToListAsync().ConfigureAwait(false)).Count).ConfigureAwait(false);
        await small.DeleteAsync().ConfigureAwait(false);
        long rows = 0;
        await foreach (var page in memberships.QueryAsync<TableEntity>(select: ["PartitionKey"], maxPerPage: 1000).AsPages().ConfigureAwait(false))
        {
            rows += page.Values.Count;
        }

        return (largeMs, smallMs, rows);
    }

    /// <summary>Reads a partition from the start in pages of <paramref name="pageSize"/> as the app does (RowKey after the last one); returns the pages.</summary>
    private static async Task<int> WalkAsync(TableClient table, string partition, int pageSize, IEnumerable<string> select, string? before = null)
    {
        var pages = 0;
        var after = "";
        while (true)
        {
            var from = after;
            var query = before is null
                ? table.QueryAsync<TableEntity>(e => e.PartitionKey == partition && e.RowKey.CompareTo(from) > 0, maxPerPage: pageSize, select: select)
                : table.QueryAsync<TableEntity>(e => e.PartitionKey == partition && e.RowKey.CompareTo(from) > 0 && e.RowKey.CompareTo(before) < 0, maxPerPage: pageSize, select: select);
            var page = await query.AsPages().FirstOrDefaultAsync().ConfigureAwait(false);
            if (page is null || page.Values.Count == 0)
            {
                return pages;
            }

            pages++;
            after = page.Values[^1].RowKey;
            if (page.Values.Count < pageSize)
            {
                return pages;
            }
        }
    }

    private async Task<TableClient> SmallTableAsync(IEnumerable<TableEntity> rows)
    {
        var table = service.GetTableClient("floorsmall" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateIfNotExistsAsync().ConfigureAwait(false);
        foreach (var chunk in rows.Chunk(Transactions.MaxOperations))
        {
            // Keys and the external id only: the rows' other properties do not change what the query reads.
            await table.SubmitTransactionAsync(
                chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(e.PartitionKey, e.RowKey) { ["ExternalId"] = e.GetString("ExternalId") })),
                default).ConfigureAwait(false);
        }

        return table;
    }

    private static async Task<double> AverageMsAsync(Func<Task<int>> query)
    {
        await query().ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < SmallTableSamples; i++)
        {
            await query().ConfigureAwait(false);
        }

        return watch.Elapsed.TotalMilliseconds / SmallTableSamples;
    }
}

using System.Collections.Concurrent;
using Azure.Data.Tables;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>
/// Reads just the summary columns of user profile rows (table <c>users</c>) for a page of user ids. Profiles of one
/// user shard are rows of one partition in user id order, as a page of members is: where the page's users of a shard
/// are most of the profiles between its first and last id (a cohort holding most of the base), one range read of the
/// partition returns them all, instead of a point read each. Where they are not (a small cohort of a large base), the
/// first range page shows it and the rest are point reads. Either way the profiles themselves are read, so what a
/// listing shows is as right as a look-up (no copy of the profile to keep in step).
/// </summary>
internal sealed class AzureTableUserProfileReader(StorageTables tables) : IUserProfileReader
{
    private const int ReadParallelism = 32;

    /// <summary>A shard's part of a page this small is point-read: a range read would not save requests.</summary>
    private const int MinimumForRange = 32;

    /// <summary>Rows a range page may return per wanted profile before the range is given up as too sparse.</summary>
    private const int MaxRowsPerWanted = 2;

    private const int RangePageSize = 1000;

    private static readonly string[] Columns = ["RowKey", UserColumns.ExternalId, UserColumns.Aliases];

    public async Task<IReadOnlyDictionary<UserId, UserSummary>> GetSummariesAsync(WorkspaceId workspace, IReadOnlyCollection<UserId> users, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(users);
        var table = await tables.GetAsync(tables.Names.Users, cancellationToken).ConfigureAwait(false);
        var found = new ConcurrentDictionary<UserId, UserSummary>();
        var pointReads = new List<UserId>();
        foreach (var shard in users.Distinct().GroupBy(u => u.Shard))
        {
            var wanted = shard.OrderBy(u => u.Value, StringComparer.Ordinal).ToList();
            pointReads.AddRange(wanted.Count < MinimumForRange
                ? wanted
                : await ReadRangeAsync(table, workspace, shard.Key, wanted, found, cancellationToken).ConfigureAwait(false));
        }

        await Parallel.ForEachAsync(pointReads, new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken }, async (user, ct) =>
        {
            var (partition, row) = StorageKeys.User(workspace, user);
            var entity = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, Columns, ct).ConfigureAwait(false);
            if (entity.HasValue)
            {
                found[user] = Summary(user, entity.Value!);
            }
        }).ConfigureAwait(false);
        return found;
    }

    /// <summary>
    /// Reads the partition from the first wanted id to the last, a page at a time, while the pages are dense with
    /// wanted profiles; returns the wanted ids past the point where it stopped (to be point-read). A wanted id the range
    /// passed without finding has no profile (a deleted user), as a point read would find.
    /// </summary>
    private static async Task<IReadOnlyList<UserId>> ReadRangeAsync(
        TableClient table, WorkspaceId workspace, char shard, List<UserId> wanted, ConcurrentDictionary<UserId, UserSummary> found, CancellationToken cancellationToken)
    {
        var partition = StorageKeys.UserPartition(workspace, shard);
        var (first, last) = (wanted[0].Value, wanted[^1].Value);
        var wantedSet = wanted.ToHashSet();
        var passed = "";
        await foreach (var page in table.QueryAsync<TableEntity>(
            e => e.PartitionKey == partition && e.RowKey.CompareTo(first) >= 0 && e.RowKey.CompareTo(last) <= 0,
            maxPerPage: RangePageSize,
            select: Columns,
            cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            var hits = 0;
            foreach (var row in page.Values)
            {
                if (UserId.TryParse(row.RowKey, out var user) && wantedSet.Contains(user))
                {
                    found[user] = Summary(user, row);
                    hits++;
                }

                passed = row.RowKey;
            }

            if (page.ContinuationToken is null)
            {
                return [];
            }

            if (page.Values.Count > MaxRowsPerWanted * Math.Max(hits, 1))
            {
                break;
            }
        }

        return [.. wanted.Where(u => string.CompareOrdinal(u.Value, passed) > 0)];
    }

    private static UserSummary Summary(UserId user, TableEntity row) =>
        new(user, row.GetString(UserColumns.ExternalId), UserColumns.ReadAliases(row.GetString(UserColumns.Aliases)));
}

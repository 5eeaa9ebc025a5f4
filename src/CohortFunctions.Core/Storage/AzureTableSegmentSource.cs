using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using CohortFunctions.Cohorts;
using CohortFunctions.Segments;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>Streams member and user ids in key order, a page at a time, for segment evaluation.</summary>
internal sealed class AzureTableSegmentSource(StorageTables tables) : ISegmentSource
{
    public IAsyncEnumerable<string> MembersAsync(WorkspaceId workspace, CohortRef cohort, char shard, string? after, int pageSize, CancellationToken cancellationToken) =>
        RowKeysAsync(tables.Names.Memberships, StorageKeys.MembershipPartition(workspace, cohort, shard), after, pageSize, cancellationToken);

    public IAsyncEnumerable<string> UsersAsync(WorkspaceId workspace, char shard, string? after, int pageSize, CancellationToken cancellationToken) =>
        RowKeysAsync(tables.Names.Users, StorageKeys.UserPartition(workspace, shard), after, pageSize, cancellationToken);

    private async IAsyncEnumerable<string> RowKeysAsync(string tableName, string partition, string? after, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(tableName, cancellationToken).ConfigureAwait(false);
        var from = after ?? "";
        await foreach (var row in table.QueryAsync<TableEntity>(
            e => e.PartitionKey == partition && e.RowKey.CompareTo(from) > 0 && e.RowKey.CompareTo(StorageKeys.FirstNonMemberRow) < 0,
            maxPerPage: Math.Clamp(pageSize, 1, 1000),
            select: ["RowKey"],
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (UserId.TryParse(row.RowKey, out _))
            {
                yield return row.RowKey;
            }
        }
    }
}

using System.Collections.Concurrent;
using Azure.Data.Tables;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>Reads just the summary columns of user profile rows (table <c>users</c>).</summary>
internal sealed class AzureTableUserProfileReader(StorageTables tables) : IUserProfileReader
{
    private const int ReadParallelism = 32;

    public async Task<IReadOnlyDictionary<UserId, UserSummary>> GetSummariesAsync(WorkspaceId workspace, IReadOnlyCollection<UserId> users, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(tables.Names.Users, cancellationToken).ConfigureAwait(false);
        var found = new ConcurrentDictionary<UserId, UserSummary>();
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken }, async (user, ct) =>
        {
            var (partition, row) = StorageKeys.User(workspace, user);
            var entity = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, [UserColumns.ExternalId, UserColumns.Aliases], ct).ConfigureAwait(false);
            if (entity.HasValue)
            {
                found[user] = new UserSummary(user, entity.Value!.GetString(UserColumns.ExternalId), UserColumns.ReadAliases(entity.Value.GetString(UserColumns.Aliases)));
            }
        }).ConfigureAwait(false);
        return found;
    }
}

using Azure;
using Azure.Data.Tables;
using CohortFunctions.Identifiers;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>
/// User profiles (table <c>users</c>, a row per user in the workspace's shard partition) and the identifier index
/// rows that point at them (table <c>identifiers</c>, a partition per identifier). Only conditional writes: adds that
/// fail on an existing row and replaces and deletes guarded by ETags, so concurrent requests never overwrite each other.
/// </summary>
internal sealed class AzureTableUserStore(StorageTables tables, TimeProvider time) : IUserStore
{
    public async Task<StoredUser?> GetAsync(WorkspaceId workspace, UserId user, CancellationToken cancellationToken)
    {
        var table = await Users(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.User(workspace, user);
        var found = await table.GetEntityIfExistsAsync<UserEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? new StoredUser(found.Value!.ToProfile(workspace, user), found.Value.ETag.ToString()) : null;
    }

    public async Task<string> CreateAsync(UserProfile profile, CancellationToken cancellationToken)
    {
        var table = await Users(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.AddEntityAsync(UserEntity.From(profile, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            return VersionOf(response);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // The user id is new and random, so the row is this write's own: it landed, its answer was lost and the SDK
            // sent it again. Nothing points at the user yet, so the row read back is still as written.
            var (partition, row) = StorageKeys.User(profile.Workspace, profile.UserId);
            var written = await table.GetEntityAsync<UserEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
            return written.Value.ETag.ToString();
        }
    }

    public async Task<string?> ReplaceAsync(UserProfile profile, string version, CancellationToken cancellationToken)
    {
        var table = await Users(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.UpdateEntityAsync(UserEntity.From(profile, time.GetUtcNow()), new ETag(version), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return VersionOf(response);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
    }

    public async Task<bool> DeleteAsync(WorkspaceId workspace, UserId user, string? version, CancellationToken cancellationToken)
    {
        var table = await Users(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.User(workspace, user);
        return await DeleteAsync(table, partition, row, version is null ? ETag.All : new ETag(version), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IndexedIdentifier?> GetIdentifierAsync(WorkspaceId workspace, Identifier identifier, CancellationToken cancellationToken)
    {
        var table = await Identifiers(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.Identifier(workspace, identifier);
        var found = await table.GetEntityIfExistsAsync<IdentifierEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? Indexed(found.Value!, identifier) : null;
    }

    public async Task<IdentifierClaim> AddIdentifierAsync(WorkspaceId workspace, Identifier identifier, UserId owner, bool matchable, CancellationToken cancellationToken)
    {
        var table = await Identifiers(cancellationToken).ConfigureAwait(false);
        var entity = IdentifierEntity.For(workspace, identifier, owner, matchable, time.GetUtcNow());
        try
        {
            var response = await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return new IdentifierClaim(ClaimStatus.Added, new IndexedIdentifier(owner, matchable, VersionOf(response)));
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var found = await table.GetEntityIfExistsAsync<IdentifierEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!found.HasValue)
            {
                return new IdentifierClaim(ClaimStatus.Vanished, null);
            }

            return Indexed(found.Value!, identifier) is { } held
                ? new IdentifierClaim(ClaimStatus.Held, held)
                : new IdentifierClaim(ClaimStatus.Collision, null);
        }
    }

    public async Task<string?> ReplaceIdentifierAsync(WorkspaceId workspace, Identifier identifier, UserId owner, bool matchable, string version, CancellationToken cancellationToken)
    {
        var table = await Identifiers(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.UpdateEntityAsync(
                IdentifierEntity.For(workspace, identifier, owner, matchable, time.GetUtcNow()), new ETag(version), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return VersionOf(response);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
    }

    public async Task<bool> DeleteIdentifierAsync(WorkspaceId workspace, Identifier identifier, string version, CancellationToken cancellationToken)
    {
        var table = await Identifiers(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.Identifier(workspace, identifier);
        return await DeleteAsync(table, partition, row, new ETag(version), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> DeleteAsync(TableClient table, string partition, string row, ETag ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partition, row, ifMatch, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }

    /// <summary>The row as the index entry of <paramref name="identifier"/>; null if it belongs to another identifier (hash collision) or is unreadable.</summary>
    private static IndexedIdentifier? Indexed(IdentifierEntity entity, Identifier identifier) =>
        entity.Holds(identifier) && entity.ToOwner() is { } owner ? new IndexedIdentifier(owner.UserId, owner.Matchable, entity.ETag.ToString()) : null;

    private static string VersionOf(Response response) =>
        response.Headers.ETag?.ToString() ?? throw new InvalidOperationException("Table storage answered a write without an ETag.");

    private ValueTask<TableClient> Users(CancellationToken cancellationToken) => tables.GetAsync(tables.Names.Users, cancellationToken);

    private ValueTask<TableClient> Identifiers(CancellationToken cancellationToken) => tables.GetAsync(tables.Names.Identifiers, cancellationToken);
}

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

    public async Task<IReadOnlyList<string>> CreateAllAsync(IReadOnlyList<UserProfile> profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var table = await Users(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var versions = new string[profiles.Count];
        var chunks = Enumerable.Range(0, profiles.Count)
            .Select(i => (Index: i, Entity: UserEntity.From(profiles[i], now)))
            .GroupBy(x => x.Entity.PartitionKey)
            .SelectMany(g => Transactions.Chunk(g.ToList(), x => x.Entity.ApproximateSize()));
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = Transactions.Parallelism, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            try
            {
                var answer = await table.SubmitTransactionAsync(chunk.Select(x => new TableTransactionAction(TableTransactionActionType.Add, x.Entity)), ct).ConfigureAwait(false);
                for (var i = 0; i < chunk.Count; i++)
                {
                    versions[chunk[i].Index] = VersionOf(answer.Value[i]);
                }
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409)
            {
                // Nothing of a failed transaction was written, unless its answer was lost and the SDK sent it again:
                // then every row is this write's own (user ids are new and random), and CreateAsync reads each back.
                foreach (var (index, _) in chunk)
                {
                    versions[index] = await CreateAsync(profiles[index], ct).ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);
        return versions;
    }

    public async Task DeleteAllAsync(WorkspaceId workspace, IReadOnlyList<StoredUser> profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var table = await Users(cancellationToken).ConfigureAwait(false);
        var chunks = profiles
            .Select(p => (Stored: p, Keys: StorageKeys.User(workspace, p.Profile.UserId)))
            .GroupBy(x => x.Keys.PartitionKey)
            .SelectMany(g => g.Chunk(Transactions.MaxOperations));
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = Transactions.Parallelism, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            try
            {
                await table.SubmitTransactionAsync(
                    chunk.Select(x => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(x.Keys.PartitionKey, x.Keys.RowKey), new ETag(x.Stored.Version))),
                    ct).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
            {
                // One row was gone or had changed, so the transaction deleted none: each on its own, by the same rules.
                foreach (var (stored, keys) in chunk)
                {
                    await DeleteAsync(table, keys.PartitionKey, keys.RowKey, new ETag(stored.Version), ct).ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);
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

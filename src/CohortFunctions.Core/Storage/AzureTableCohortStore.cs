using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using CohortFunctions.Cohorts;
using CohortFunctions.Resync;
using CohortFunctions.Telemetry;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>
/// Cohorts in Table Storage: one partition per workspace, a row per partner cohort. The row also carries the
/// cohort's resync state (cadence, pending flag, lease, cursor), changed with ETags so concurrent writers never
/// lose each other's updates.
/// </summary>
internal sealed class AzureTableCohortStore(StorageTables tables, CohortMetrics metrics) : ICohortStore, IResyncStateStore
{
    private const int MaxConcurrencyRetries = 16;

    public async Task UpsertNameAsync(WorkspaceId workspace, CohortRef cohort, string name, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await UpdateAsync(workspace, cohort, createIfMissing: () => CohortEntity.New(cohort, name, named: true, createdAt), entity =>
        {
            if (entity.Named && string.Equals(entity.Name, name, StringComparison.Ordinal))
            {
                return false;
            }

            // A cohort created by a postback before its name call takes the name call's created_at.
            if (!entity.Named)
            {
                entity.CreatedAt = createdAt;
            }

            entity.Name = name;
            entity.Named = true;
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Cohort> TouchAsync(WorkspaceId workspace, CohortRef cohort, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // A merge of just these two columns, not a read-modify-write: concurrent postbacks to one cohort must not
        // contend on its row. Whichever lands last wins, and either is a correct "last synced" time.
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.Cohort(workspace, cohort);
        var patch = new TableEntity(partition, row)
        {
            [nameof(CohortEntity.LastSyncedAt)] = now,
            [nameof(CohortEntity.OnceRetryDone)] = false,
        };
        try
        {
            await table.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            await UpdateAsync(workspace, cohort, createIfMissing: () => CohortEntity.New(cohort, cohort.CohortId, named: false, now), e =>
            {
                e.LastSyncedAt = now;
                e.OnceRetryDone = false;
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }

        return await GetAsync(workspace, cohort, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("A cohort row vanished right after it was written; cohorts are never deleted.");
    }

    public async Task<Cohort?> GetAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken) =>
        (await ReadAsync(workspace, cohort, cancellationToken).ConfigureAwait(false))?.ToCohort();

    public async Task<IReadOnlyList<Cohort>> ListAsync(WorkspaceId workspace, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var partition = StorageKeys.CohortPartition(workspace);
        var cohorts = new List<Cohort>();
        await foreach (var entity in table.QueryAsync<CohortEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            cohorts.Add(entity.ToCohort());
        }

        return cohorts;
    }

    public async Task<bool> SetCadenceAsync(WorkspaceId workspace, CohortRef cohort, Cadence cadence, CancellationToken cancellationToken)
    {
        var updated = await UpdateAsync(workspace, cohort, createIfMissing: null, e =>
        {
            e.Cadence = Cadences.Name(cadence);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return updated is not null;
    }

    public Task LowerPendingSinceAsync(WorkspaceId workspace, CohortRef cohort, DateTimeOffset since, CancellationToken cancellationToken) =>
        UpdateAsync(workspace, cohort, createIfMissing: null, e =>
        {
            // Left unknown on a cohort that had pending identifiers before the time was kept.
            if ((e.PendingSince is { } earlier && earlier <= since) || (e.HasPending && e.PendingSince is null))
            {
                return false;
            }

            e.PendingSince = since;
            return true;
        }, cancellationToken);

    public Task MarkPendingAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken) =>
        UpdateAsync(workspace, cohort, createIfMissing: null, e =>
        {
            if (e.HasPending)
            {
                return false;
            }

            e.HasPending = true;
            return true;
        }, cancellationToken);

    public async IAsyncEnumerable<(WorkspaceId Workspace, Cohort Cohort)> AllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        await foreach (var entity in table.QueryAsync<CohortEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            // Rows of other kinds in this table (the maintenance cursor) have no workspace id for a partition.
            if (WorkspaceId.Parse(entity.PartitionKey).TryGetValue(out var workspace, out _))
            {
                yield return (workspace, entity.ToCohort());
            }
        }
    }

    public async IAsyncEnumerable<(WorkspaceId Workspace, Cohort Cohort)> WithPendingAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        await foreach (var entity in table.QueryAsync<CohortEntity>(e => e.HasPending == true || e.ResyncInProgress == true, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (WorkspaceId.Parse(entity.PartitionKey).TryGetValue(out var workspace, out _))
            {
                yield return (workspace, entity.ToCohort());
            }
        }
    }

    public async Task<ResyncLease?> TryAcquireAsync(WorkspaceId workspace, CohortRef cohort, DateTimeOffset now, TimeSpan duration, CancellationToken cancellationToken)
    {
        var owner = Guid.NewGuid().ToString("N");
        var taken = await UpdateAsync(workspace, cohort, createIfMissing: null, e =>
        {
            if (e.LeaseUntil is { } until && until > now)
            {
                return false;
            }

            e.LeaseOwner = owner;
            e.LeaseUntil = now + duration;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return taken is not null && taken.LeaseOwner == owner ? new ResyncLease(owner, PendingCursor.Decode(taken.ResyncCursor)) : null;
    }

    public async Task<bool> SaveProgressAsync(WorkspaceId workspace, CohortRef cohort, ResyncLease lease, PendingCursor cursor, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var held = false;
        await UpdateAsync(workspace, cohort, createIfMissing: null, e =>
        {
            held = e.LeaseOwner == lease.Owner;
            if (!held)
            {
                return false;
            }

            e.ResyncCursor = cursor.Encode();
            e.ResyncInProgress = true;
            e.LeaseUntil = leaseUntil;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return held;
    }

    public async Task CompleteAsync(WorkspaceId workspace, CohortRef cohort, ResyncLease lease, DateTimeOffset now, Func<CancellationToken, Task<bool>> anyPending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(anyPending);
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.Cohort(workspace, cohort);
        for (var attempt = 0; attempt < MaxConcurrencyRetries; attempt++)
        {
            var entity = await ReadAsync(workspace, cohort, cancellationToken).ConfigureAwait(false);
            if (entity is null || entity.LeaseOwner != lease.Owner)
            {
                return;
            }

            // Asked after the row was read: a postback that adds pending identifiers marks the row after writing
            // them, so either this answer sees them or the update below fails on the ETag and asks again.
            entity.HasPending = await anyPending(cancellationToken).ConfigureAwait(false);
            entity.LastResyncAt = now;
            entity.OnceRetryDone = true;
            entity.ResyncCursor = null;
            entity.ResyncInProgress = false;
            entity.LeaseOwner = null;
            entity.LeaseUntil = null;
            try
            {
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                Conflicted(workspace, cohort, StorageOperations.CohortsComplete, attempt);
            }
        }

        throw new ContentionException($"The cohort row kept changing while its resync pass completed ({partition}/{row}).");
    }

    public Task ReleaseAsync(WorkspaceId workspace, CohortRef cohort, ResyncLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return UpdateAsync(workspace, cohort, createIfMissing: null, e =>
        {
            if (e.LeaseOwner != lease.Owner)
            {
                return false;
            }

            e.LeaseOwner = null;
            e.LeaseUntil = null;
            return true;
        }, cancellationToken);
    }

    private async Task<CohortEntity?> ReadAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.Cohort(workspace, cohort);
        var found = await table.GetEntityIfExistsAsync<CohortEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue && string.Equals(found.Value!.CohortId, cohort.CohortId, StringComparison.Ordinal) ? found.Value : null;
    }

    /// <summary>
    /// Read-modify-write of a cohort row with its ETag, retried on conflicts. <paramref name="change"/> returns false
    /// to leave the row as it is. Returns the row as it is afterwards, or null if it does not exist.
    /// </summary>
    private async Task<CohortEntity?> UpdateAsync(
        WorkspaceId workspace,
        CohortRef cohort,
        Func<CohortEntity>? createIfMissing,
        Func<CohortEntity, bool> change,
        CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.Cohort(workspace, cohort);
        for (var attempt = 0; attempt < MaxConcurrencyRetries; attempt++)
        {
            var entity = await ReadAsync(workspace, cohort, cancellationToken).ConfigureAwait(false);
            try
            {
                if (entity is null)
                {
                    if (createIfMissing is null)
                    {
                        return null;
                    }

                    var created = createIfMissing();
                    (created.PartitionKey, created.RowKey) = (partition, row);
                    change(created);
                    await table.AddEntityAsync(created, cancellationToken).ConfigureAwait(false);
                    return created;
                }

                if (!change(entity))
                {
                    return entity;
                }

                var response = await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                entity.ETag = response.Headers.ETag ?? entity.ETag;
                return entity;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another writer created or changed the row in between: read it again.
                Conflicted(workspace, cohort, StorageOperations.CohortsUpdate, attempt);
            }
        }

        throw new ContentionException($"The cohort row kept changing under concurrent writers ({partition}/{row}).");
    }

    /// <summary>Counts a lost race on the cohort row that is tried again (the last try gives up instead).</summary>
    private void Conflicted(WorkspaceId workspace, CohortRef cohort, string operation, int attempt)
    {
        if (attempt + 1 < MaxConcurrencyRetries)
        {
            metrics.StorageConflict(MetricScope.Of(workspace, cohort.Partner), operation);
        }
    }

    private ValueTask<TableClient> Table(CancellationToken cancellationToken) => tables.GetAsync(tables.Names.Cohorts, cancellationToken);
}

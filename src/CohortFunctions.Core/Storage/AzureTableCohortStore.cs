using Azure;
using Azure.Data.Tables;
using CohortFunctions.Cohorts;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>Cohorts in Table Storage: one partition per workspace, a row per partner cohort.</summary>
internal sealed class AzureTableCohortStore(StorageTables tables) : ICohortStore
{
    private const int MaxConcurrencyRetries = 8;

    public async Task UpsertNameAsync(WorkspaceId workspace, CohortRef cohort, string name, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.Cohort(workspace, cohort);
        for (var attempt = 0; ; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<CohortEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!existing.HasValue)
                {
                    await table.AddEntityAsync(CohortEntity.New(partition, row, cohort, name, named: true, createdAt), cancellationToken).ConfigureAwait(false);
                    return;
                }

                var entity = existing.Value!;
                if (entity.Named && string.Equals(entity.Name, name, StringComparison.Ordinal))
                {
                    return;
                }

                // A cohort created by a postback before its name call takes the name call's created_at.
                var patch = new TableEntity(partition, row)
                {
                    [nameof(CohortEntity.Name)] = name,
                    [nameof(CohortEntity.Named)] = true,
                };
                if (!entity.Named)
                {
                    patch[nameof(CohortEntity.CreatedAt)] = createdAt;
                }

                await table.UpdateEntityAsync(patch, entity.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxConcurrencyRetries)
            {
                // Another call created or changed the row in between: read it again.
            }
        }
    }

    public async Task TouchAsync(WorkspaceId workspace, CohortRef cohort, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.Cohort(workspace, cohort);
        var patch = new TableEntity(partition, row) { [nameof(CohortEntity.LastSyncedAt)] = now };
        try
        {
            await table.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            try
            {
                var created = CohortEntity.New(partition, row, cohort, cohort.CohortId, named: false, now);
                created.LastSyncedAt = now;
                await table.AddEntityAsync(created, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException conflict) when (conflict.Status == 409)
            {
                // Created concurrently (by the name call or another postback): just record the sync time.
                await table.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<Cohort?> GetAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.Cohort(workspace, cohort);
        var found = await table.GetEntityIfExistsAsync<CohortEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue && string.Equals(found.Value!.CohortId, cohort.CohortId, StringComparison.Ordinal) ? found.Value.ToCohort() : null;
    }

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

    private ValueTask<TableClient> Table(CancellationToken cancellationToken) => tables.GetAsync(tables.Names.Cohorts, cancellationToken);
}

/// <summary>Storage shape of a cohort row.</summary>
internal sealed class CohortEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Partner { get; set; } = "";

    /// <summary>The raw cohort id (the row key holds its encoded form).</summary>
    public string CohortId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>False while the cohort is only known from postbacks and carries its id as name.</summary>
    public bool Named { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSyncedAt { get; set; }

    public static CohortEntity New(string partition, string row, CohortRef cohort, string name, bool named, DateTimeOffset createdAt) => new()
    {
        PartitionKey = partition,
        RowKey = row,
        Partner = cohort.Partner,
        CohortId = cohort.CohortId,
        Name = name,
        Named = named,
        CreatedAt = createdAt,
    };

    public Cohort ToCohort() => new(new CohortRef(Partner, CohortId), Name, Named, CreatedAt, LastSyncedAt);
}

using Azure.Data.Tables;
using CohortFunctions.Identifiers;
using CohortFunctions.Storage;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Benchmark;

/// <summary>
/// The least storage work a postback implies, issued directly with Azure.Data.Tables against the same Azurite: one
/// point read per identifier (of the app's own identifier rows, read-only) and the membership writes in full
/// 100-entity transactions. What the app does beyond this is its overhead.
/// </summary>
internal sealed class StorageFloor
{
    private const int ReadParallelism = 64;
    private const int PartitionsPerBatch = 10;

    private readonly TableClient _identifiers;
    private readonly TableClient _members;
    private readonly WorkspaceId _workspace;

    private StorageFloor(TableClient identifiers, TableClient members, WorkspaceId workspace)
    {
        _identifiers = identifiers;
        _members = members;
        _workspace = workspace;
    }

    public static async Task<StorageFloor> CreateAsync(string connectionString, string workspace)
    {
        var service = new TableServiceClient(connectionString);
        var members = service.GetTableClient("floormembers");
        await members.CreateIfNotExistsAsync().ConfigureAwait(false);
        var names = new TableNames("");
        return new StorageFloor(
            service.GetTableClient(names.Identifiers),
            members,
            WorkspaceId.Parse(workspace).TryGetValue(out var ws, out _) ? ws : throw new ArgumentException("Bad workspace.", nameof(workspace)));
    }

    public async Task RunAsync(PostbackBatch batch)
    {
        await Parallel.ForEachAsync(
            batch.Adds.Concat(batch.Removes).Concat(batch.Unmatched),
            new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism },
            async (id, ct) =>
            {
                var (partition, row) = StorageKeys.Identifier(_workspace, Identifier.External(id));
                await _identifiers.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct).ConfigureAwait(false);
            }).ConfigureAwait(false);

        // Unmatched ids need no write; the partition of a member depends only on its id, so a remove finds its add.
        var all = batch.Adds.Select(id => (Id: id, Add: true)).Concat(batch.Removes.Select(id => (Id: id, Add: false)));
        var perPartition = all
            .Select(change => (change, partition: $"{batch.CohortId}|{(uint)change.Id.GetHashCode(StringComparison.Ordinal) % PartitionsPerBatch}"))
            .GroupBy(x => x.partition);
        await Parallel.ForEachAsync(perPartition, new ParallelOptions { MaxDegreeOfParallelism = PartitionsPerBatch }, async (group, ct) =>
        {
            foreach (var chunk in group.Chunk(100))
            {
                await _members.SubmitTransactionAsync(
                    chunk.Select(x => x.change.Add
                        ? new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(group.Key, x.change.Id))
                        : new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(group.Key, x.change.Id), Azure.ETag.All)),
                    ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }
}

using Azure;
using Azure.Data.Tables;
using CohortFunctions.Segments;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>Segments in Table Storage: one partition per workspace; the filter is stored as its JSON.</summary>
internal sealed class AzureTableSegmentStore(StorageTables tables) : ISegmentStore
{
    public async Task AddAsync(WorkspaceId workspace, Segment segment, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        try
        {
            await table.AddEntityAsync(SegmentEntity.From(workspace, segment), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // The segment id is new and random: the row is this write's own, landed while its answer was lost and sent again by the SDK.
        }
    }

    public async Task<Segment?> GetAsync(WorkspaceId workspace, string segmentId, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.Segment(workspace, segmentId);
        var found = await table.GetEntityIfExistsAsync<SegmentEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value!.ToSegment() : null;
    }

    public async Task<IReadOnlyList<Segment>> ListAsync(WorkspaceId workspace, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var partition = StorageKeys.SegmentPartition(workspace);
        var segments = new List<Segment>();
        await foreach (var entity in table.QueryAsync<SegmentEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            segments.Add(entity.ToSegment());
        }

        return segments;
    }

    public async Task<bool> ReplaceAsync(WorkspaceId workspace, Segment segment, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        try
        {
            await table.UpdateEntityAsync(SegmentEntity.From(workspace, segment), ETag.All, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    public async Task<bool> DeleteAsync(WorkspaceId workspace, string segmentId, CancellationToken cancellationToken)
    {
        var table = await Table(cancellationToken).ConfigureAwait(false);
        var (partition, row) = StorageKeys.Segment(workspace, segmentId);
        var response = await table.DeleteEntityAsync(partition, row, ETag.All, cancellationToken).ConfigureAwait(false);
        return response.Status != 404;
    }

    private ValueTask<TableClient> Table(CancellationToken cancellationToken) => tables.GetAsync(tables.Names.Segments, cancellationToken);
}

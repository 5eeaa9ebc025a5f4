using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using CohortFunctions.Cohorts;
using CohortFunctions.Segments;
using CohortFunctions.Users;
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

/// <summary>Storage shape of a segment row.</summary>
internal sealed class SegmentEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Name { get; set; } = "";

    public string Filter { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public static SegmentEntity From(WorkspaceId workspace, Segment segment)
    {
        var (partition, row) = StorageKeys.Segment(workspace, segment.SegmentId);
        return new SegmentEntity
        {
            PartitionKey = partition,
            RowKey = row,
            Name = segment.Name,
            Filter = SegmentFilterJson.ToJson(segment.Filter).ToJsonString(),
            CreatedAt = segment.CreatedAt,
            UpdatedAt = segment.UpdatedAt,
        };
    }

    public Segment ToSegment()
    {
        using var document = JsonDocument.Parse(Filter);
        var filter = SegmentFilterJson.Parse(document.RootElement);
        return filter.Failure is null
            ? new Segment(RowKey, Name, filter.Value!, CreatedAt, UpdatedAt)
            : throw new InvalidDataException($"Stored segment {RowKey} has an invalid filter: {filter.Failure.Message}");
    }
}

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

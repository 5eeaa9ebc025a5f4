using System.Text.Json;
using CohortFunctions.Segments;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Storage;

/// <summary>Storage shape of a segment row.</summary>
internal sealed class SegmentEntity : TableRow
{
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

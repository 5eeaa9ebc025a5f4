using CohortFunctions.Workspaces;

namespace CohortFunctions.Segments;

/// <summary>Where segments are kept (port; <c>AzureTableSegmentStore</c> is the adapter).</summary>
internal interface ISegmentStore
{
    Task AddAsync(WorkspaceId workspace, Segment segment, CancellationToken cancellationToken);

    Task<Segment?> GetAsync(WorkspaceId workspace, string segmentId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Segment>> ListAsync(WorkspaceId workspace, CancellationToken cancellationToken);

    /// <summary>Replaces a segment; false when it does not exist.</summary>
    Task<bool> ReplaceAsync(WorkspaceId workspace, Segment segment, CancellationToken cancellationToken);

    /// <summary>Deletes a segment; false when it did not exist.</summary>
    Task<bool> DeleteAsync(WorkspaceId workspace, string segmentId, CancellationToken cancellationToken);
}

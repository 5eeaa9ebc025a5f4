using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Segments;

/// <summary>A saved segment: a name and a filter over partner cohorts, used to target campaigns.</summary>
internal sealed record Segment(string SegmentId, string Name, SegmentFilter Filter, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>Whether <paramref name="value"/> has the shape of a segment id (so it can be used as a key).</summary>
    public static bool IsId([NotNullWhen(true)] string? value) =>
        value is { Length: 16 } && value.All(c => char.IsAsciiDigit(c) || char.IsAsciiHexDigitLower(c));
}

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

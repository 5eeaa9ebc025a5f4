namespace CohortFunctions.History;

/// <summary>
/// What a sync did, in the counts a users postback answers with: identifiers received, users added, removed and
/// unchanged, identifiers that matched no user, and data points counted.
/// </summary>
internal sealed record SyncCounts(int Received, int Added, int Removed, int Unchanged, int Unmatched, int DataPoints)
{
    public static SyncCounts None { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>Only the identifiers received: a call that failed before (or while) applying them.</summary>
    public static SyncCounts ReceivedOnly(int received) => new(received, 0, 0, 0, 0, 0);
}

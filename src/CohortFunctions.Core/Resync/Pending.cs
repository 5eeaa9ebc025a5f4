using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Resync;

/// <summary>An identifier of a cohort that matched no user when it was sent, with the intent it was sent with.</summary>
internal sealed record PendingIdentifier(Identifier Identifier, bool Remove, DateTimeOffset At, bool Superseded, object Version);

/// <summary>
/// Where a walk over a cohort's pending identifiers stands: the bucket and the last row read. Stored between runs
/// so a large backlog is worked off across runs without re-reading finished buckets.
/// </summary>
internal readonly record struct PendingCursor(int Bucket, string? After)
{
    public const int Buckets = 16;

    public static PendingCursor Start => new(0, null);

    public bool IsComplete => Bucket >= Buckets;

    public string Encode() => $"{Bucket}|{After}";

    public static PendingCursor Decode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return Start;
        }

        var separator = text.IndexOf('|', StringComparison.Ordinal);
        return separator > 0 && int.TryParse(text.AsSpan(0, separator), System.Globalization.CultureInfo.InvariantCulture, out var bucket)
            ? new PendingCursor(bucket, separator + 1 < text.Length ? text[(separator + 1)..] : null)
            : Start;
    }
}

/// <summary>
/// Pending identifiers per cohort (port; <c>AzureTablePendingStore</c> is the adapter), spread over
/// <see cref="PendingCursor.Buckets"/> partitions by a stable hash of the identifier. A later postback about the same
/// identifier replaces its row: unmatched again, with its new intent; matched, with a tombstone.
/// </summary>
internal interface IPendingStore
{
    Task RecordAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<UnmatchedIdentifier> unmatched, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Marks identifiers a postback has just applied, so an older pending intent for them is never applied.</summary>
    Task SupersedeAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<Identifier> applied, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> rows from <paramref name="cursor"/>, and where to continue.</summary>
    Task<(IReadOnlyList<PendingIdentifier> Rows, PendingCursor Next)> ReadAsync(WorkspaceId workspace, CohortRef cohort, PendingCursor cursor, int max, CancellationToken cancellationToken);

    /// <summary>Deletes rows unless they changed since read (a newer intent survives). Returns how many went.</summary>
    Task<int> DeleteAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<PendingIdentifier> rows, CancellationToken cancellationToken);

    Task<bool> AnyAsync(WorkspaceId workspace, CohortRef cohort, CancellationToken cancellationToken);
}

namespace CohortFunctions.Telemetry;

/// <summary>
/// The <c>operation</c> values of <c>cohortfunctions.storage.contention</c>: the conditional writes that retry when a
/// concurrent writer got there first. (Storage retries name the table and the kind of request instead, see
/// <see cref="CohortMetrics.StorageRetry"/>.)
/// </summary>
internal static class StorageOperations
{
    /// <summary>A membership transaction guarded by the members' ETags (not its first, optimistic try).</summary>
    public const string MembershipsCommit = "memberships.commit";

    /// <summary>A read-modify-write of a cohort row (sync time, name, cadence, resync lease and cursor).</summary>
    public const string CohortsUpdate = "cohorts.update";

    /// <summary>The end of a complete resync pass on the cohort row.</summary>
    public const string CohortsComplete = "cohorts.complete";

    /// <summary>A read-modify-write of a user profile.</summary>
    public const string UsersUpdate = "users.update";

    /// <summary>Claiming an identifier's index row for a user.</summary>
    public const string IdentifiersClaim = "identifiers.claim";

    /// <summary>Changing or dropping an identifier's index row (merges, deletions, identification).</summary>
    public const string IdentifiersUpdate = "identifiers.update";
}

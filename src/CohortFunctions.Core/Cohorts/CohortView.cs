namespace CohortFunctions.Cohorts;

/// <summary>
/// A cohort as the management API shows it. <see cref="HasPending"/>: identifiers that matched no user are waiting for
/// a resync pass (the cohort row's flag; counting them would read every pending row).
/// </summary>
internal sealed record CohortView(
    string Partner,
    string CohortId,
    string Name,
    string DisplayName,
    DateTimeOffset CreatedAt,
    long MemberCount,
    DateTimeOffset? LastSyncedAt,
    string Cadence,
    DateTimeOffset? LastResyncAt,
    DateTimeOffset? NextResyncAt,
    bool Stale,
    bool HasPending);

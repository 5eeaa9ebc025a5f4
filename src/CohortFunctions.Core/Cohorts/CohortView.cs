namespace CohortFunctions.Cohorts;

/// <summary>A cohort as the management API shows it.</summary>
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
    bool Stale);

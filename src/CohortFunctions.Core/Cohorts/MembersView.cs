using CohortFunctions.Users;

namespace CohortFunctions.Cohorts;

/// <summary>A page of a cohort's members with what an operator recognises them by.</summary>
internal sealed record MembersView(IReadOnlyList<UserSummary> Members, string? Continuation);

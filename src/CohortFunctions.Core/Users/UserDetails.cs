using CohortFunctions.Cohorts;

namespace CohortFunctions.Users;

/// <summary>A user as a lookup shows it: the profile and the cohorts it is a member of.</summary>
internal sealed record UserDetails(UserProfile Profile, IReadOnlyList<CohortRef> Cohorts);

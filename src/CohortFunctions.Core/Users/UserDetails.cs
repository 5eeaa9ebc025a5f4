using CohortFunctions.Cohorts;

namespace CohortFunctions.Users;

/// <summary>
/// A user as a lookup shows it: the profile, the cohorts it is a member of, and where it stands in every cohort of
/// the workspace, with why.
/// </summary>
internal sealed record UserDetails(UserProfile Profile, IReadOnlyList<CohortRef> Cohorts, IReadOnlyList<CohortStanding> Standings);

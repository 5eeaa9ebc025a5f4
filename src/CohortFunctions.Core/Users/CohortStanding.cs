using CohortFunctions.Cohorts;
using CohortFunctions.Memberships;

namespace CohortFunctions.Users;

/// <summary>
/// Why a user is or is not in one cohort: its <see cref="State"/>, the membership (since when, added by what) when it
/// is a member, and the change waiting for a resync pass when there is one (a pending removal of a member too).
/// </summary>
internal sealed record CohortStanding(CohortRef Cohort, string DisplayName, CohortState State, Membership? Membership, PendingChange? Pending);

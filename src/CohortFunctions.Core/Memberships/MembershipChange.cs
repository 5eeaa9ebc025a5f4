using CohortFunctions.Users;

namespace CohortFunctions.Memberships;

/// <summary>One user's wanted state in a cohort: in (<see cref="Add"/>) or out.</summary>
internal sealed record MembershipChange(UserId User, bool Add);

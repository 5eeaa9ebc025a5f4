using CohortFunctions.Users;

namespace CohortFunctions.Memberships;

/// <summary>A page of a cohort's members, in shard then user id order.</summary>
internal sealed record MemberPage(IReadOnlyList<UserId> Members, string? Continuation);

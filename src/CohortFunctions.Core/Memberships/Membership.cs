namespace CohortFunctions.Memberships;

/// <summary>
/// A user's membership of a cohort as its member row keeps it: since when, and what added the user (null for rows
/// written before the source was kept).
/// </summary>
internal sealed record Membership(DateTimeOffset Since, MembershipSource? Source);

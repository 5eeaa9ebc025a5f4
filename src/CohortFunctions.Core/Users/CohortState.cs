namespace CohortFunctions.Users;

/// <summary>Where a user stands in one cohort.</summary>
internal enum CohortState
{
    /// <summary>A member.</summary>
    Member,

    /// <summary>Not a member, but an identifier of the user waits for a resync pass to add the user.</summary>
    Pending,

    /// <summary>
    /// Not a member and nothing waiting: the partner never sent the user, removed it, or sent an identifier that
    /// expired unmatched. The app keeps no identifier of removed users, so it cannot tell these apart.
    /// </summary>
    NotMember,
}

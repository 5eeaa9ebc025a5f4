namespace CohortFunctions.Memberships;

/// <summary>What made a user a member: kept on the member row, so a lookup can say how the user got into the cohort.</summary>
internal enum MembershipSource
{
    /// <summary>A partner's users postback.</summary>
    Postback,

    /// <summary>A resync pass, applying an identifier that matched no user when the partner sent it.</summary>
    Resync,

    /// <summary>A user merge, which moved the membership of the user merged away.</summary>
    Merge,
}

namespace CohortFunctions.Users;

/// <summary>
/// A profile before and after a write that landed (the same profile when there was nothing to change), and the version
/// it is at now, so the next change of the same request need not read it again.
/// </summary>
internal sealed record ProfileWrite(UserProfile Before, UserProfile After, string Version)
{
    /// <summary>The profile as it is now stored.</summary>
    public StoredUser Stored => new(After, Version);
}

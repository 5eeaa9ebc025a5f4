namespace CohortFunctions.Users;

/// <summary>A profile before and after a write that landed (the same profile when there was nothing to change).</summary>
internal sealed record ProfileWrite(UserProfile Before, UserProfile After);

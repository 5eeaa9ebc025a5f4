namespace CohortFunctions.Users;

/// <summary>A profile as read, with the version a conditional write must name.</summary>
internal sealed record StoredUser(UserProfile Profile, string Version);

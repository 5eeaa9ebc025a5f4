namespace CohortFunctions.Users;

/// <summary>What <c>POST .../users/identify</c> did: users identified in place, merged into an existing user, rejected entries.</summary>
internal sealed record IdentifyUsersOutcome(int Identified, int Merged, IReadOnlyList<UserEntryError> Errors);

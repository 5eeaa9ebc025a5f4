namespace CohortFunctions.Users;

/// <summary>What <c>POST .../users</c> did: entries applied as new users, as updates, and the rejected ones.</summary>
internal sealed record UpsertUsersOutcome(int Created, int Updated, IReadOnlyList<UserEntryError> Errors);

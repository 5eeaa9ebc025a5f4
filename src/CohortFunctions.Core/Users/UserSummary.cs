using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>What listings and exports show of a user.</summary>
internal sealed record UserSummary(UserId UserId, string? ExternalId, IReadOnlyList<UserAlias> Aliases);

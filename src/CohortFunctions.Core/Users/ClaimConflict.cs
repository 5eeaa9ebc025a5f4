using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>The identifier an entry could not claim, the entry's error for it, and who holds it when known.</summary>
internal sealed record ClaimConflict(Identifier Identifier, string Message, UserId? HeldBy);

using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>
/// The identifier an entry could not claim, the entry's error for it, and who holds it when known (with that user's
/// row and profile as the claim read them).
/// </summary>
internal sealed record ClaimConflict(Identifier Identifier, string Message, UserId? HeldBy, IdentifierHolder? Holder = null);

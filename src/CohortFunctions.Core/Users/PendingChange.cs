using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>
/// An identifier of a user that a partner sent for a cohort before it matched the user, waiting for the next resync
/// pass: which kind, whether it adds or removes, and since when (the last postback that named it).
/// </summary>
internal sealed record PendingChange(IdentifierKind Kind, bool Remove, DateTimeOffset Since);

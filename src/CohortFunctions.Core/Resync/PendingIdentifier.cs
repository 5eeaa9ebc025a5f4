using CohortFunctions.Identifiers;

namespace CohortFunctions.Resync;

/// <summary>An identifier of a cohort that matched no user when it was sent, with the intent it was sent with.</summary>
internal sealed record PendingIdentifier(Identifier Identifier, bool Remove, DateTimeOffset At, bool Superseded, object Version);

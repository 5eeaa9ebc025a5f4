using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>
/// An index row an entry wrote: the version it wrote it at (so undoing it touches only that write), whether it matches
/// postbacks, and the identified user it was taken over from, if any.
/// </summary>
internal sealed record ClaimedIdentifier(Identifier Identifier, string Version, bool Matchable, UserId? PreviousOwner);

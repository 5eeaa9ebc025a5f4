using CohortFunctions.Identifiers;

namespace CohortFunctions.Matching;

/// <summary>An identifier that matched no user, with the last intent the request had for it.</summary>
internal sealed record UnmatchedIdentifier(Identifier Identifier, bool Remove);

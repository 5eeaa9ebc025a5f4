using CohortFunctions.Identifiers;

namespace CohortFunctions.Matching;

/// <summary>An identifier that matched a user, with when its index row was last written (null when unknown).</summary>
internal sealed record MatchedIdentifier(Identifier Identifier, DateTimeOffset? IndexedAt);

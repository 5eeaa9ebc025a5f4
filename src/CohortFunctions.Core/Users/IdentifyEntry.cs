using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>An identify entry that passed validation; <see cref="Lookup"/> finds the anonymous user.</summary>
internal sealed record IdentifyEntry(int Index, string ExternalId, Identifier Lookup, string LookupField);

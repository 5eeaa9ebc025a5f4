using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>An identifier of a validated entry, with the request field it came from (for error messages).</summary>
internal sealed record EntryIdentifier(Identifier Identifier, string Field);

namespace CohortFunctions.Users;

/// <summary>The user holding an identifier a claim was refused, as the claim read them: the index row and the profile.</summary>
internal sealed record IdentifierHolder(IndexedIdentifier Row, StoredUser User);

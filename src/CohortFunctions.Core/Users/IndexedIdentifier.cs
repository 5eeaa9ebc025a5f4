namespace CohortFunctions.Users;

/// <summary>An identifier index row as read (or just written), with the version a conditional change must name.</summary>
internal sealed record IndexedIdentifier(UserId Owner, bool Matchable, string Version);

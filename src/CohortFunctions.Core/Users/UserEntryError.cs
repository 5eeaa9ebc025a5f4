namespace CohortFunctions.Users;

/// <summary>Why the entry at <see cref="Index"/> of a batch request was not applied.</summary>
internal sealed record UserEntryError(int Index, string Message);

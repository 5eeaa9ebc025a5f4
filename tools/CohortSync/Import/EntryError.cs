namespace CohortFunctions.CohortSync.Import;

/// <summary>An entry the users API rejected: its position in the request's <c>users</c> and the API's message.</summary>
internal readonly record struct EntryError(int Index, string Message);

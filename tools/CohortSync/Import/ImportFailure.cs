namespace CohortFunctions.CohortSync.Import;

/// <summary>Why an import stopped before its end: a request that finally failed, or the file that could not be read.</summary>
/// <param name="Request"><c>batch N (lines a-b)</c>, or <c>reading the file</c>.</param>
/// <param name="Users">Users the request carried.</param>
/// <param name="StatusCode">The last HTTP status, or <c>null</c> for a timeout, a connection failure or a read error.</param>
/// <param name="Message">The server's message (secrets removed), or what went wrong.</param>
/// <param name="Attempts">Attempts made, the first included.</param>
public sealed record ImportFailure(string Request, int Users, int? StatusCode, string Message, int Attempts);

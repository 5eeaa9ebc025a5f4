namespace CohortFunctions.CohortSync.Import;

/// <summary>How a users request ended after its retries: acknowledged with the API's counts, or finally failed.</summary>
/// <param name="Acknowledged">The API answered 200 with counts that account for every entry.</param>
/// <param name="Created">Users the request created.</param>
/// <param name="Updated">Users the request updated (also when nothing changed).</param>
/// <param name="Errors">Entries rejected, by index: applied not at all.</param>
/// <param name="StatusCode">The last HTTP status, or <c>null</c> for a timeout or connection failure.</param>
/// <param name="Message">What went wrong, when not acknowledged.</param>
/// <param name="Attempts">Attempts made, the first included.</param>
internal sealed record UsersBatchOutcome(bool Acknowledged, int Created, int Updated, IReadOnlyList<EntryError> Errors, int? StatusCode, string Message, int Attempts)
{
    public static UsersBatchOutcome Failed(int? statusCode, string message, int attempts) => new(false, 0, 0, [], statusCode, message, attempts);
}

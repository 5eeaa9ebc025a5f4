namespace CohortFunctions.Results;

/// <summary>
/// The messages of the answers to what no feature expected (the Functions app's <c>UnhandledErrors</c> writes them),
/// kept here so the sync history records the same words the sender was answered with.
/// </summary>
internal static class ErrorMessages
{
    public const string InternalError = "internal error";

    public const string StorageUnavailable = "Storage is unavailable; retry later.";

    public const string TimedOut = "The request took too long; retry later.";
}

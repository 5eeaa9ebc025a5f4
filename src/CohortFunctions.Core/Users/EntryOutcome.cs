namespace CohortFunctions.Users;

internal readonly record struct EntryOutcome(EntryResult Result, string? Error)
{
    public static EntryOutcome Of(EntryResult result) => new(result, null);

    public static EntryOutcome Failed(string error) => new(EntryResult.Failed, error);
}

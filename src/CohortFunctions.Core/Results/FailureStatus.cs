namespace CohortFunctions.Results;

/// <summary>
/// The HTTP status of each expected failure: the one mapping, used by the Functions app's answers and by the sync
/// history, which records the status a sender was answered with.
/// </summary>
internal static class FailureStatus
{
    public static int Of(FailureKind kind) => kind switch
    {
        FailureKind.Invalid => 400,
        FailureKind.NotFound => 404,
        FailureKind.Unauthorized => 401,
        FailureKind.Conflict => 409,
        FailureKind.TooLarge => 413,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unmapped failure kind."),
    };
}

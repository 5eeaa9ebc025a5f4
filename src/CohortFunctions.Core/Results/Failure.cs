namespace CohortFunctions.Results;

/// <summary>An expected failure with the message a caller sees.</summary>
internal sealed record Failure(FailureKind Kind, string Message)
{
    public static Failure Invalid(string message) => new(FailureKind.Invalid, message);

    public static Failure NotFound(string message) => new(FailureKind.NotFound, message);

    public static Failure Unauthorized(string message) => new(FailureKind.Unauthorized, message);

    public static Failure Conflict(string message) => new(FailureKind.Conflict, message);
}

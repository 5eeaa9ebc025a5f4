namespace CohortFunctions.Results;

/// <summary>What went wrong in an expected way: a value that the HTTP layer maps to a status code in one place.</summary>
internal enum FailureKind
{
    /// <summary>The request is malformed or breaks a rule (400).</summary>
    Invalid,

    /// <summary>The addressed thing does not exist (404).</summary>
    NotFound,

    /// <summary>Credentials in the request are not accepted (401).</summary>
    Unauthorized,

    /// <summary>The request conflicts with current state (409).</summary>
    Conflict,

    /// <summary>The request body is larger than allowed (413).</summary>
    TooLarge,
}

/// <summary>An expected failure with the message a caller sees.</summary>
internal sealed record Failure(FailureKind Kind, string Message)
{
    public static Failure Invalid(string message) => new(FailureKind.Invalid, message);

    public static Failure NotFound(string message) => new(FailureKind.NotFound, message);

    public static Failure Unauthorized(string message) => new(FailureKind.Unauthorized, message);

    public static Failure Conflict(string message) => new(FailureKind.Conflict, message);
}

/// <summary>Either a value or an expected <see cref="Failure"/>; exceptions stay for the unexpected.</summary>
internal readonly record struct Result<T>
{
    private Result(T? value, Failure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }

    public Failure? Failure { get; }

    public bool IsSuccess => Failure is null;

    public static implicit operator Result<T>(Failure failure) => new(default, failure);

    public static implicit operator Result<T>(T value) => new(value, null);
}

/// <summary>Builds results where an implicit conversion would not read well (e.g. interfaces).</summary>
internal static class Result
{
    public static Result<T> Success<T>(T value) => value;

    public static Result<T> Fail<T>(Failure failure) => failure;
}

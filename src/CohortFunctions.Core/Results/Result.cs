namespace CohortFunctions.Results;

/// <summary>Builds results where an implicit conversion would not read well (e.g. interfaces).</summary>
internal static class Result
{
    public static Result<T> Success<T>(T value) => value;

    public static Result<T> Fail<T>(Failure failure) => failure;
}

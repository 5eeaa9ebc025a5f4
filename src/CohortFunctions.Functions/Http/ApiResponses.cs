using CohortFunctions.Results;
using Microsoft.AspNetCore.Http;

namespace CohortFunctions.App.Http;

/// <summary>Builds responses; expected failures become status codes here, by <see cref="FailureStatus"/>.</summary>
internal static class ApiResponses
{
    public static ApiResult Ok(object body) => new(StatusCodes.Status200OK, body);

    public static ApiResult Created(object body) => new(StatusCodes.Status201Created, body);

    public static ApiResult NoContent() => new(StatusCodes.Status204NoContent, null);

    public static ApiResult Error(int statusCode, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        new(statusCode, new ErrorBody(message), headers);

    public static ApiResult From(Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return Error(StatusFor(failure.Kind), failure.Message);
    }

    /// <summary>Maps a result: its failure to an error response, its value through <paramref name="onSuccess"/>.</summary>
    public static ApiResult From<T>(Result<T> result, Func<T, ApiResult> onSuccess)
    {
        ArgumentNullException.ThrowIfNull(onSuccess);
        return result.Failure is { } failure ? From(failure) : onSuccess(result.Value!);
    }

    /// <summary>The status of an expected failure (<see cref="FailureStatus"/>: the sync history records the same).</summary>
    public static int StatusFor(FailureKind kind) => FailureStatus.Of(kind);
}

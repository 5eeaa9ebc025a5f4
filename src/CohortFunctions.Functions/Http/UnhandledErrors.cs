using CohortFunctions.Results;
using CohortFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.App.Http;

/// <summary>
/// The answer to an exception nobody expected, shared by the Functions middleware and the local host: storage
/// trouble is 503 with <c>Retry-After</c>, anything else 500 with a request id. Details go only to the log.
/// </summary>
internal static partial class UnhandledErrors
{
    public const string InternalErrorMessage = ErrorMessages.InternalError;

    public const string UnavailableMessage = ErrorMessages.StorageUnavailable;

    public const string TimedOutMessage = ErrorMessages.TimedOut;

    /// <summary>Seconds a client is asked to wait after a 503.</summary>
    public const int RetryAfterSeconds = 5;

    public static async Task WriteAsync(HttpContext context, Exception exception, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(exception);
        var requestId = context.TraceIdentifier;
        if (RequestDeadline.ClientAborted(context))
        {
            Log.RequestAborted(logger, requestId);
            return;
        }

        var retryAfter = new Dictionary<string, string> { ["Retry-After"] = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        ApiResult result;
        if (RequestDeadline.TimedOut(context))
        {
            Log.TimedOut(logger, requestId, exception);
            result = new ApiResult(StatusCodes.Status503ServiceUnavailable, new ErrorBody(TimedOutMessage, RequestId: requestId), retryAfter);
        }
        else if (StorageFailures.IsUnavailable(exception, context.RequestAborted))
        {
            Log.StorageUnavailable(logger, requestId, exception);
            result = new ApiResult(StatusCodes.Status503ServiceUnavailable, new ErrorBody(UnavailableMessage, RequestId: requestId), retryAfter);
        }
        else
        {
            Log.Unexpected(logger, requestId, exception);
            result = new ApiResult(StatusCodes.Status500InternalServerError, new ErrorBody(InternalErrorMessage, RequestId: requestId));
        }

        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        await result.WriteAsync(context.Response, CancellationToken.None).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error in request {RequestId}")]
        public static partial void Unexpected(ILogger logger, string requestId, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Storage unavailable in request {RequestId}")]
        public static partial void StorageUnavailable(ILogger logger, string requestId, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} ran past its deadline")]
        public static partial void TimedOut(ILogger logger, string requestId, Exception exception);

        [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId} was aborted by the client")]
        public static partial void RequestAborted(ILogger logger, string requestId);
    }
}

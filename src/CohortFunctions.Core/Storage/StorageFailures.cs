using System.Net.Sockets;
using Azure;

namespace CohortFunctions.Storage;

/// <summary>Tells a storage outage or throttling (answered 503, worth a retry) from a bug (answered 500).</summary>
internal static class StorageFailures
{
    /// <summary>The error code of a request to a table that does not exist (any more): the tables are created again, so retrying helps.</summary>
    public const string TableNotFound = "TableNotFound";

    /// <summary>Whether <paramref name="exception"/> means storage is unreachable, overloaded or throttling.</summary>
    /// <param name="exception">What was thrown.</param>
    /// <param name="callerToken">The caller's token: a cancellation the caller asked for is not an outage.</param>
    public static bool IsUnavailable(Exception exception, CancellationToken callerToken = default)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case RequestFailedException { Status: 0 or 408 or 429 or 500 or 502 or 503 or 504 }:
                case RequestFailedException { ErrorCode: TableNotFound }:
                case ContentionException:
                case HttpRequestException:
                case SocketException:
                case TimeoutException:
                case IOException:
                    return true;
                case OperationCanceledException when !callerToken.IsCancellationRequested:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                    return aggregate.InnerExceptions.All(inner => IsUnavailable(inner, callerToken));
                default:
                    break;
            }
        }

        return false;
    }
}

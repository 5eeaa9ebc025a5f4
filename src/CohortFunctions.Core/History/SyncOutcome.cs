using CohortFunctions.Results;
using CohortFunctions.Storage;

namespace CohortFunctions.History;

/// <summary>
/// How a sync ended: for a partner call the status and message it was answered with; for a resync pass 200 and
/// what the pass did, or the status and message an unexpected failure would have been answered with.
/// </summary>
internal sealed record SyncOutcome(int Status, string Message)
{
    /// <summary>Not an HTTP answer: the sender closed the connection before it was given (as nginx logs it).</summary>
    public const int SenderGoneStatus = 499;

    public const string SenderGoneMessage = "The sender closed the connection before the answer.";

    public bool Failed => Status >= 400;

    /// <summary>An expected failure, with the status the API answers it with.</summary>
    public static SyncOutcome Refused(Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new(FailureStatus.Of(failure.Kind), failure.Message);
    }

    /// <summary>
    /// An unexpected exception, judged as the app's error answer judges it: the sender went away (nothing answered),
    /// the caller's deadline passed (503), storage trouble (503), or anything else (500).
    /// </summary>
    /// <param name="exception">What was thrown.</param>
    /// <param name="senderGone">Whether the sender went away (then <paramref name="callerToken"/> fired for that reason).</param>
    /// <param name="callerToken">The token the work ran under: cancelled by the deadline or the sender going away.</param>
    public static SyncOutcome FromException(Exception exception, bool senderGone, CancellationToken callerToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (senderGone)
        {
            return new(SenderGoneStatus, SenderGoneMessage);
        }

        if (callerToken.IsCancellationRequested)
        {
            return new(503, ErrorMessages.TimedOut);
        }

        return StorageFailures.IsUnavailable(exception, callerToken)
            ? new(503, ErrorMessages.StorageUnavailable)
            : new(500, ErrorMessages.InternalError);
    }
}

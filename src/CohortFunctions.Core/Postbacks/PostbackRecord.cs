using CohortFunctions.History;
using CohortFunctions.Results;

namespace CohortFunctions.Postbacks;

/// <summary>
/// The sync history record of one partner call that passed authentication, filled in as the call goes: what it is
/// (<see cref="Kind"/>), its cohort, what it did so far, and finally how it was answered.
/// </summary>
internal sealed class PostbackRecord(PartnerCall call, AuthenticatedPartner caller, SyncKind kind, DateTimeOffset at, long startedAt, TimeProvider time)
{
    /// <summary>The partner endpoints answer success with 201 Created and Braze's message.</summary>
    public const int SuccessStatus = 201;

    public SyncKind Kind { get; set; } = kind;

    /// <summary>When the call arrived: the time of its record and of the membership changes it applies.</summary>
    public DateTimeOffset At { get; } = at;

    /// <summary>The request's cohort id if it has a valid one (a refused request may not).</summary>
    public string? CohortId { get; } = PostbackFields.CohortId(call.Body);

    /// <summary>What the call did up to now: identifiers received, then what the membership writes committed.</summary>
    public SyncCounts Counts { get; set; } = SyncCounts.None;

    /// <summary>Distinct identifiers that matched a user, once the changes were applied (telemetry's <c>matched</c>; the history does not keep it).</summary>
    public int Matched { get; set; }

    /// <summary>Answered with success.</summary>
    public SyncRecord Succeeded() => Build(new SyncOutcome(SuccessStatus, PartnerMessages.Success));

    /// <summary>Answered with an expected failure (Braze's 400s).</summary>
    public SyncRecord Refused(Failure failure) => Build(SyncOutcome.Refused(failure));

    /// <summary>Ended by an exception: answered 503 or 500 by the app's error handling, or not at all.</summary>
    public SyncRecord Failed(Exception exception, CancellationToken cancellationToken) =>
        Build(SyncOutcome.FromException(exception, call.SenderGone.IsCancellationRequested, cancellationToken));

    private SyncRecord Build(SyncOutcome outcome) => new(
        SyncRecord.NewId(),
        At,
        caller.Workspace,
        caller.Partner.Name,
        CohortId,
        Kind,
        outcome,
        Counts,
        time.GetElapsedTime(startedAt),
        caller.KeyId,
        call.RequestId);
}

using CohortFunctions.Workspaces;

namespace CohortFunctions.History;

/// <summary>
/// One entry of a workspace's sync history: a partner call that passed authentication, or a resync pass that applied
/// something. Holds no identifier of any user: they are personal data, kept only in memberships and pending rows.
/// </summary>
/// <param name="Id">Unique per record (32 hex digits); makes the record's rows idempotent to write again.</param>
/// <param name="At">When the call arrived or the pass started.</param>
/// <param name="Workspace">The workspace whose data import key was used, or whose cohort was resynced.</param>
/// <param name="Partner">The partner's slug.</param>
/// <param name="CohortId">The cohort, or null when the call named none that is valid.</param>
/// <param name="Kind">Name call, users postback, credential test or resync pass.</param>
/// <param name="Outcome">The answer's status and message.</param>
/// <param name="Counts">What it did.</param>
/// <param name="Duration">From the start of the work to its answer.</param>
/// <param name="KeyId">The id of the data import key used (never the key); null for resync passes.</param>
/// <param name="RequestId">The request's id, as error answers and logs show it; null for timer passes.</param>
internal sealed record SyncRecord(
    string Id,
    DateTimeOffset At,
    WorkspaceId Workspace,
    string Partner,
    string? CohortId,
    SyncKind Kind,
    SyncOutcome Outcome,
    SyncCounts Counts,
    TimeSpan Duration,
    string? KeyId,
    string? RequestId)
{
    public static string NewId() => Guid.NewGuid().ToString("N");
}

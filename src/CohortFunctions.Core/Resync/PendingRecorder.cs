using CohortFunctions.Cohorts;
using CohortFunctions.Matching;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Resync;

/// <summary>
/// What a postback leaves for the resync. Identifiers that matched no user are kept as pending rows, with the cohort's
/// <see cref="Cohort.PendingSince"/> lowered before they are written and the cohort marked pending after. In a cohort
/// that already has pending identifiers, what the postback did apply is marked, so an older pending intent for it is
/// never applied later (only identifiers that can have one: <see cref="SupersedeMarks"/>). Cohorts without pending
/// identifiers pay nothing for a postback that matched everything.
/// </summary>
internal sealed class PendingRecorder(IPendingStore pending, IResyncStateStore state)
{
    /// <param name="workspace">The postback's workspace.</param>
    /// <param name="cohort">The cohort as the postback found it when it recorded its sync.</param>
    /// <param name="match">What the postback's identifiers matched.</param>
    /// <param name="startedAt">When the postback started: the time of its pending rows and supersede marks.</param>
    /// <param name="cancellationToken">The request's token.</param>
    public async Task RecordAsync(WorkspaceId workspace, Cohort cohort, MatchResult match, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(match);
        if (cohort.HasPending && SupersedeMarks.Needed(match.Matched, cohort.PendingSince) is { Count: > 0 } marks)
        {
            await pending.SupersedeAsync(workspace, cohort.Ref, marks, startedAt, cancellationToken).ConfigureAwait(false);
        }

        if (match.Unmatched.Count == 0)
        {
            return;
        }

        // Before the rows are written: no pending row may ever exist with PendingSince later than its postback's start,
        // even if this request dies before it marks the cohort pending (SupersedeMarks relies on it).
        if (cohort.PendingSince is { } since ? since > startedAt : !cohort.HasPending)
        {
            await state.LowerPendingSinceAsync(workspace, cohort.Ref, startedAt, cancellationToken).ConfigureAwait(false);
        }

        await pending.RecordAsync(workspace, cohort.Ref, match.Unmatched, startedAt, cancellationToken).ConfigureAwait(false);
        if (!cohort.HasPending)
        {
            // After the rows are written: a resync pass that clears the flag then sees them (IResyncStateStore.CompleteAsync).
            await state.MarkPendingAsync(workspace, cohort.Ref, cancellationToken).ConfigureAwait(false);
        }
    }
}

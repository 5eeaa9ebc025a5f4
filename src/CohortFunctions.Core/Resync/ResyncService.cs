using System.Diagnostics;
using CohortFunctions.Cohorts;
using CohortFunctions.History;
using CohortFunctions.Matching;
using CohortFunctions.Memberships;
using CohortFunctions.Results;
using CohortFunctions.Telemetry;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CohortFunctions.Resync;

/// <summary>
/// Deferred matching: identifiers that matched no user are retried at each cohort's cadence and applied exactly as
/// a postback would apply them once their user exists (same matching rules, exact counts, data points). Passes are
/// bounded by a time budget and resume from a stored cursor; a lease on the cohort row keeps runs from overlapping.
/// Applying is idempotent and pending rows are deleted only after their changes committed, so a pass that dies
/// half-way is completed by the next one without double counting. A pass that applied something is recorded in the
/// sync history (<see cref="ISyncHistoryRecorder"/>), also when it stops at its budget or fails after applying; every
/// pass is counted in telemetry (<see cref="CohortMetrics.ResyncPass"/>), and each timer run records how many cohorts
/// are stale (<see cref="StaleCohorts"/>).
/// </summary>
internal sealed partial class ResyncService(
    ICohortStore cohorts,
    CohortFinder finder,
    IResyncStateStore state,
    IPendingStore pending,
    IdentifierMatcher matcher,
    MembershipWriter writer,
    ISyncHistoryRecorder history,
    StaleCohorts stale,
    CohortMetrics metrics,
    TimeProvider time,
    IOptions<ResyncOptions> options,
    ILogger<ResyncService> logger)
{
    /// <summary>Slack on top of a run's budget before its lease may be taken over by another run.</summary>
    private static readonly TimeSpan LeaseSlack = TimeSpan.FromSeconds(60);

    public async Task<Result<Cohort>> SetCadenceAsync(string? workspace, string? partner, string? cohortId, string? cadence, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        if (!Cadences.TryParse(cadence, out var parsed))
        {
            return Failure.Invalid($"cadence must be one of: {Cadences.Allowed}.");
        }

        if (!(await finder.FindAsync(ws, partner, cohortId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var found, out var notFound))
        {
            return notFound;
        }

        if (!await state.SetCadenceAsync(ws, found.Ref, parsed.Value, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("A cohort row vanished after it was read; cohorts are never deleted.");
        }

        return (await cohorts.GetAsync(ws, found.Ref, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Runs a pass on one cohort now, whatever its cadence (the manual resync endpoint).</summary>
    /// <param name="workspace">The workspace id.</param>
    /// <param name="partner">The cohort's partner.</param>
    /// <param name="cohortId">The cohort's id.</param>
    /// <param name="requestId">The request's id, for the sync history.</param>
    /// <param name="cancellationToken">The request's token.</param>
    public async Task<Result<ResyncOutcome>> ResyncNowAsync(string? workspace, string? partner, string? cohortId, string? requestId, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        if (!(await finder.FindAsync(ws, partner, cohortId, cancellationToken).ConfigureAwait(false)).TryGetValue(out var found, out var notFound))
        {
            return notFound;
        }

        var budget = TimeSpan.FromSeconds(options.Value.RequestBudgetSeconds);
        var outcome = await PassAsync(ws, found.Ref, budget, requestId, cancellationToken).ConfigureAwait(false);
        return outcome is null
            ? Failure.Conflict("A resync of this cohort is already running; try again when it has finished.")
            : outcome;
    }

    /// <summary>The resync timer's work: a pass on every cohort whose cadence is due, within the run's budget.</summary>
    public async Task<ResyncRunSummary> RunDueAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var budget = TimeSpan.FromSeconds(options.Value.RunBudgetSeconds);
        var now = time.GetUtcNow();
        int due = 0, passed = 0, busy = 0, failed = 0;
        var totals = ResyncOutcome.Nothing;
        await foreach (var (workspace, cohort) in state.WithPendingAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!IsDue(cohort, now))
            {
                continue;
            }

            due++;
            var left = budget - stopwatch.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                continue;
            }

            ResyncOutcome? outcome;
            try
            {
                outcome = await PassAsync(workspace, cohort.Ref, left, requestId: null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // One cohort that keeps failing must not keep every cohort after it from its pass.
                Log.PassFailed(logger, workspace.Value, cohort.Ref.Partner, ex);
                failed++;
                continue;
            }

            if (outcome is null)
            {
                busy++;
                continue;
            }

            passed++;
            totals = totals.Plus(outcome);
        }

        await stale.RecordAsync(cancellationToken).ConfigureAwait(false);
        return new ResyncRunSummary(due, passed, busy, failed, totals, stopwatch.Elapsed);
    }

    /// <summary>Whether a cohort's pass is due now: its cadence has come round, or an unfinished pass waits.</summary>
    public static bool IsDue(Cohort cohort, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        return cohort.PassInProgress || (cohort.HasPending && cohort.NextResyncAt is { } next && next <= now);
    }

    /// <summary>
    /// One pass, or as much of it as fits in <paramref name="budget"/>; null when another run holds the cohort.
    /// <paramref name="requestId"/> is the manual request's id, null for the timer's passes.
    /// </summary>
    private async Task<ResyncOutcome?> PassAsync(WorkspaceId workspace, CohortRef cohort, TimeSpan budget, string? requestId, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var startedAt = time.GetTimestamp();
        var pass = requestId is null ? "Scheduled pass" : "Manual pass";
        var metricScope = MetricScope.Of(workspace, cohort.Partner);
        using var ambient = MetricScope.Enter(metricScope);
        void Record(ResyncOutcome outcome, SyncOutcome result, ResyncPassEnd end)
        {
            metrics.ResyncPass(metricScope, manual: requestId is not null, end, outcome.Applied, outcome.Expired, outcome.StillPending);
            if (outcome.Applied > 0)
            {
                history.Record(new SyncRecord(
                    SyncRecord.NewId(),
                    started,
                    workspace,
                    cohort.Partner,
                    cohort.CohortId,
                    SyncKind.Resync,
                    result,
                    new SyncCounts(outcome.Retried, outcome.Changes.Added, outcome.Changes.Removed, outcome.Changes.Unchanged, outcome.StillPending, outcome.Changes.Added + outcome.Changes.Removed),
                    time.GetElapsedTime(startedAt),
                    KeyId: null,
                    requestId));
            }
        }

        var deadline = started + budget;
        var lease = await state.TryAcquireAsync(workspace, cohort, started, budget + LeaseSlack, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            Log.CohortBusy(logger, workspace.Value, cohort.Partner);
            return null;
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Workspace"] = workspace.Value, ["Partner"] = cohort.Partner });
        var cursor = lease.Cursor;
        var outcome = ResyncOutcome.Nothing;
        try
        {
            while (!cursor.IsComplete && time.GetUtcNow() < deadline)
            {
                var (rows, next) = await pending.ReadAsync(workspace, cohort, cursor, options.Value.StepSize, cancellationToken).ConfigureAwait(false);
                outcome = outcome.Plus(await StepAsync(workspace, cohort, rows, cancellationToken).ConfigureAwait(false));
                cursor = next;
                if (!await state.SaveProgressAsync(workspace, cohort, lease, cursor, time.GetUtcNow() + budget + LeaseSlack, cancellationToken).ConfigureAwait(false))
                {
                    // The lease expired and another run took the cohort: it resumes from the last saved cursor.
                    Log.LeaseLost(logger, workspace.Value, cohort.Partner);
                    Record(outcome, new SyncOutcome(200, pass + " stopped: another run took the cohort over and goes on from here"), ResyncPassEnd.CutShort);
                    return outcome with { Complete = false };
                }
            }

            if (!cursor.IsComplete)
            {
                await state.ReleaseAsync(workspace, cohort, lease, cancellationToken).ConfigureAwait(false);
                Log.PassPaused(logger, workspace.Value, cohort.Partner, outcome.Retried, outcome.Applied, outcome.Expired);
                Record(outcome, new SyncOutcome(200, pass + " paused at its time budget; the next pass goes on from here"), ResyncPassEnd.CutShort);
                return outcome with { Complete = false };
            }

            await state.CompleteAsync(workspace, cohort, lease, time.GetUtcNow(), ct => pending.AnyAsync(workspace, cohort, ct), cancellationToken).ConfigureAwait(false);
            Log.PassCompleted(logger, workspace.Value, cohort.Partner, outcome.Retried, outcome.Applied, outcome.Expired, outcome.StillPending);
            Record(outcome, new SyncOutcome(200, pass + " completed"), ResyncPassEnd.Completed);
            return outcome;
        }
        catch (Exception ex)
        {
            // What the steps before the failure applied stays applied: the history says so, with the failure.
            Record(outcome, SyncOutcome.FromException(ex, senderGone: false, cancellationToken), ResyncPassEnd.Failed);

            // Give the cohort back at once; the cursor saved so far lets the next run resume.
            await state.ReleaseAsync(workspace, cohort, lease, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Retries one page of pending identifiers: drops expired and superseded ones, applies those that now match.</summary>
    private async Task<ResyncOutcome> StepAsync(WorkspaceId workspace, CohortRef cohort, IReadOnlyList<PendingIdentifier> rows, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cutoff = now - options.Value.Retention;
        var expired = rows.Where(r => !r.Superseded && r.At < cutoff).ToList();
        var superseded = rows.Where(r => r.Superseded).ToList();
        var live = rows.Where(r => !r.Superseded && r.At >= cutoff).OrderBy(r => r.At).ToList();
        await pending.DeleteAsync(workspace, cohort, [.. expired, .. superseded], cancellationToken).ConfigureAwait(false);
        if (live.Count == 0)
        {
            return new ResyncOutcome(0, 0, expired.Count, 0, true);
        }

        // Oldest first, so that for one user the newest intent wins, as it would have in postback order.
        var match = await matcher.MatchAsync(workspace, [.. live.Select(r => new IdentifierIntent(r.Identifier, r.Remove))], cancellationToken).ConfigureAwait(false);
        var stillUnmatched = match.Unmatched.Select(u => u.Identifier).ToHashSet();
        var matched = live.Where(r => !stillUnmatched.Contains(r.Identifier)).ToList();
        var changes = match.Changes.Count > 0
            ? await writer.ApplyAsync(workspace, cohort, match.Changes, ChangeOrigin.Resync(now), cancellationToken).ConfigureAwait(false)
            : MembershipResult.None;

        // Only after the changes committed: a pass that dies before this point re-applies them, which changes nothing.
        await pending.DeleteAsync(workspace, cohort, matched, cancellationToken).ConfigureAwait(false);
        return new ResyncOutcome(live.Count, matched.Count, expired.Count, live.Count - matched.Count, true) { Changes = changes };
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Resync of a cohort in workspace {Workspace} ({Partner}) skipped: another run holds it")]
        public static partial void CohortBusy(ILogger logger, string workspace, string partner);

        [LoggerMessage(Level = LogLevel.Error, Message = "Resync pass of a cohort in workspace {Workspace} ({Partner}) failed; the run goes on with the next cohort")]
        public static partial void PassFailed(ILogger logger, string workspace, string partner, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Resync lease of a cohort in workspace {Workspace} ({Partner}) was lost; the next run resumes")]
        public static partial void LeaseLost(ILogger logger, string workspace, string partner);

        [LoggerMessage(Level = LogLevel.Information, Message = "Resync pass in workspace {Workspace} ({Partner}) paused at its budget: {Retried} retried, {Applied} applied, {Expired} expired")]
        public static partial void PassPaused(ILogger logger, string workspace, string partner, int retried, int applied, int expired);

        [LoggerMessage(Level = LogLevel.Information, Message = "Resync pass in workspace {Workspace} ({Partner}) completed: {Retried} retried, {Applied} applied, {Expired} expired, {StillPending} still pending")]
        public static partial void PassCompleted(ILogger logger, string workspace, string partner, int retried, int applied, int expired, int stillPending);
    }
}

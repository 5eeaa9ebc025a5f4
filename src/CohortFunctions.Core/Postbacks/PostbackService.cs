using CohortFunctions.Cohorts;
using CohortFunctions.History;
using CohortFunctions.Matching;
using CohortFunctions.Memberships;
using CohortFunctions.Results;
using CohortFunctions.Resync;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.Postbacks;

/// <summary>
/// The partner endpoints' work. A users postback flows: credentials (<see cref="PartnerAuthenticator"/>) →
/// validation (<see cref="CohortChangesRequest"/>) → the cohort's sync time (<see cref="ICohortStore.TouchAsync"/>)
/// and identifier matching (<see cref="IdentifierMatcher"/>) → memberships and data points
/// (<see cref="MembershipWriter"/>) → what is left for the resync (<see cref="PendingRecorder"/>) → the sync history
/// (<see cref="ISyncHistoryRecorder"/>, written after the answer). Its cost grows with its own size only: one point
/// read per identifier, then one transaction per ≤ 99 changes in each user shard it touches.
/// </summary>
/// <remarks>
/// Every call that passes authentication is recorded in the sync history however it ends: success, Braze's 400s,
/// and exceptions (answered 503 or 500 by the app's error handling). Calls refused at authentication are not: they
/// belong to no workspace.
/// </remarks>
internal sealed partial class PostbackService(
    PartnerAuthenticator authenticator,
    ICohortStore cohorts,
    IdentifierMatcher matcher,
    MembershipWriter writer,
    PendingRecorder pending,
    ISyncHistoryRecorder history,
    TimeProvider time,
    ILogger<PostbackService> logger)
{
    /// <summary><c>POST /partners/{partner}/cohorts</c>: creates or renames a cohort.</summary>
    public async Task<Result<CohortRef>> NameCohortAsync(PartnerCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (at, startedAt) = (time.GetUtcNow(), time.GetTimestamp());
        var auth = await authenticator.AuthenticateAsync(call.PartnerName, call.Body, cancellationToken).ConfigureAwait(false);
        if (auth.Failure is { } unauthorized)
        {
            return unauthorized;
        }

        var caller = auth.Value!;
        var record = new PostbackRecord(call, caller, SyncKind.Name, at, startedAt, time);
        try
        {
            if (!CohortNameRequest.Parse(call.Body).TryGetValue(out var request, out var invalid))
            {
                history.Record(record.Refused(invalid));
                return invalid;
            }

            var cohort = new CohortRef(caller.Partner.Name, request.CohortId);
            await cohorts.UpsertNameAsync(caller.Workspace, cohort, request.Name, request.CreatedAt, cancellationToken).ConfigureAwait(false);
            Log.CohortNamed(logger, caller.Workspace.Value, caller.Partner.Name);
            history.Record(record.Succeeded());
            return cohort;
        }
        catch (Exception ex)
        {
            history.Record(record.Failed(ex, cancellationToken));
            throw;
        }
    }

    /// <summary><c>POST /partners/{partner}/cohorts/users</c>: adds and removes existing users.</summary>
    public async Task<Result<PostbackSummary>> ApplyChangesAsync(PartnerCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (at, startedAt) = (time.GetUtcNow(), time.GetTimestamp());
        var auth = await authenticator.AuthenticateAsync(call.PartnerName, call.Body, cancellationToken).ConfigureAwait(false);
        if (auth.Failure is { } unauthorized)
        {
            return unauthorized;
        }

        var caller = auth.Value!;
        var record = new PostbackRecord(call, caller, SyncKind.Changes, at, startedAt, time);
        try
        {
            if (!CohortChangesRequest.Parse(call.Body).TryGetValue(out var request, out var invalid))
            {
                history.Record(record.Refused(invalid));
                return invalid;
            }

            record.Counts = SyncCounts.ReceivedOnly(request.IdCount);

            // Senders test credentials with an empty change list: that must succeed and create nothing.
            if (request.IdCount == 0)
            {
                record.Kind = SyncKind.CredentialTest;
                history.Record(record.Succeeded());
                return PostbackSummary.Empty;
            }

            var summary = await ApplyAsync(caller, request, at, record, cancellationToken).ConfigureAwait(false);
            history.Record(record.Succeeded());
            return summary;
        }
        catch (Exception ex)
        {
            history.Record(record.Failed(ex, cancellationToken));
            throw;
        }
    }

    private async Task<PostbackSummary> ApplyAsync(AuthenticatedPartner caller, CohortChangesRequest request, DateTimeOffset now, PostbackRecord record, CancellationToken cancellationToken)
    {
        var (workspace, cohort) = (caller.Workspace, new CohortRef(caller.Partner.Name, request.CohortId));
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Workspace"] = workspace.Value, ["Partner"] = cohort.Partner });

        // Recording the sync and resolving identifiers are independent: overlap their round trips.
        var touched = cohorts.TouchAsync(workspace, cohort, now, cancellationToken);
        var match = await matcher.MatchAsync(workspace, request.Intents(), cancellationToken).ConfigureAwait(false);
        var known = await touched.ConfigureAwait(false);
        var total = await writer.ApplyAsync(workspace, cohort, match.Changes, ChangeOrigin.Postback(now), cancellationToken).ConfigureAwait(false);
        var summary = new PostbackSummary(total.Added, total.Removed, total.Unchanged, match.Unmatched.Count, total.Added + total.Removed);
        record.Counts = new SyncCounts(request.IdCount, summary.Added, summary.Removed, summary.Unchanged, summary.Unmatched, summary.DataPoints);
        await pending.RecordAsync(workspace, known, match, now, cancellationToken).ConfigureAwait(false);
        Log.Applied(logger, workspace.Value, cohort.Partner, summary.Added, summary.Removed, summary.Unchanged, summary.Unmatched);
        return summary;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Cohort named in workspace {Workspace} by partner {Partner}")]
        public static partial void CohortNamed(ILogger logger, string workspace, string partner);

        [LoggerMessage(Level = LogLevel.Information, Message = "Postback applied in workspace {Workspace} by partner {Partner}: {Added} added, {Removed} removed, {Unchanged} unchanged, {Unmatched} unmatched")]
        public static partial void Applied(ILogger logger, string workspace, string partner, int added, int removed, int unchanged, int unmatched);
    }
}

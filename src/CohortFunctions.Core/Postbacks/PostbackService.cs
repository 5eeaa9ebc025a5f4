using CohortFunctions.Cohorts;
using CohortFunctions.History;
using CohortFunctions.Matching;
using CohortFunctions.Memberships;
using CohortFunctions.Partners;
using CohortFunctions.Results;
using CohortFunctions.Resync;
using CohortFunctions.Telemetry;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.Postbacks;

/// <summary>
/// The partner endpoints' work. A users postback flows: credentials (<see cref="PartnerAuthenticator"/>) →
/// validation (<see cref="CohortChangesRequest"/>) → the cohort's sync time (<see cref="ICohortStore.TouchAsync"/>)
/// and identifier matching (<see cref="IdentifierMatcher"/>) → memberships and data points
/// (<see cref="MembershipWriter"/>) → what is left for the resync (<see cref="PendingRecorder"/>) → the sync history
/// (<see cref="ISyncHistoryRecorder"/>, written after the answer) and telemetry (<see cref="CohortMetrics"/>). Its cost grows with its own size only: one point
/// read per identifier, then one transaction per ≤ 99 changes in each user shard it touches.
/// </summary>
/// <remarks>
/// Every call that passes authentication is recorded in the sync history however it ends: success, Braze's 400s,
/// and exceptions (answered 503 or 500 by the app's error handling). Calls refused at authentication are not: they
/// belong to no workspace, and are counted in telemetry only, under workspace <c>unknown</c>. Every call's answer is
/// counted in telemetry at the same point where the sync history takes it (<see cref="Answered"/>).
/// </remarks>
internal sealed partial class PostbackService(
    PartnerAuthenticator authenticator,
    PartnerCatalog partners,
    ICohortStore cohorts,
    IdentifierMatcher matcher,
    MembershipWriter writer,
    PendingRecorder pending,
    ISyncHistoryRecorder history,
    CohortMetrics metrics,
    TimeProvider time,
    ILogger<PostbackService> logger)
{
    /// <summary><c>POST /partners/{partner}/cohorts</c>: creates or renames a cohort.</summary>
    public Task<Result<CohortRef>> NameCohortAsync(PartnerCall call, CancellationToken cancellationToken) =>
        AnsweredCallAsync<CohortRef>(call, PartnerEndpoint.Name, SyncKind.Name, async (caller, record) =>
        {
            if (!CohortNameRequest.Parse(call.Body).TryGetValue(out var request, out var invalid))
            {
                return invalid;
            }

            var cohort = new CohortRef(caller.Partner.Name, request.CohortId);
            await cohorts.UpsertNameAsync(caller.Workspace, cohort, request.Name, request.CreatedAt, cancellationToken).ConfigureAwait(false);
            Log.CohortNamed(logger, caller.Workspace.Value, caller.Partner.Name);
            return cohort;
        }, cancellationToken);

    /// <summary><c>POST /partners/{partner}/cohorts/users</c>: adds and removes existing users.</summary>
    public Task<Result<PostbackSummary>> ApplyChangesAsync(PartnerCall call, CancellationToken cancellationToken) =>
        AnsweredCallAsync<PostbackSummary>(call, PartnerEndpoint.Users, SyncKind.Changes, async (caller, record) =>
        {
            if (!CohortChangesRequest.Parse(call.Body).TryGetValue(out var request, out var invalid))
            {
                return invalid;
            }

            record.Counts = SyncCounts.ReceivedOnly(request.IdCount);

            // Senders test credentials with an empty change list: that must succeed and create nothing.
            if (request.IdCount == 0)
            {
                record.Kind = SyncKind.CredentialTest;
                return PostbackSummary.Empty;
            }

            return await ApplyAsync(caller, request, record, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// One partner call: authenticated first (a refusal is counted in telemetry only), then handled, and its answer
    /// (success, the handler's refusal, or the exception's status) recorded once in the sync history and telemetry.
    /// </summary>
    private async Task<Result<T>> AnsweredCallAsync<T>(
        PartnerCall call,
        PartnerEndpoint endpoint,
        SyncKind kind,
        Func<AuthenticatedPartner, PostbackRecord, Task<Result<T>>> handle,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (at, startedAt) = (time.GetUtcNow(), time.GetTimestamp());
        var auth = await AuthenticateAsync(call, endpoint, startedAt, cancellationToken).ConfigureAwait(false);
        if (auth.Failure is { } unauthorized)
        {
            return unauthorized;
        }

        var caller = auth.Value!;
        using var scope = MetricScope.Enter(MetricScope.Of(caller.Workspace, caller.Partner.Name));
        var record = new PostbackRecord(call, caller, kind, at, startedAt, time);
        try
        {
            var result = await handle(caller, record).ConfigureAwait(false);
            Answered(record, result.Failure is { } refused ? record.Refused(refused) : record.Succeeded());
            return result;
        }
        catch (Exception ex)
        {
            Answered(record, record.Failed(ex, cancellationToken));
            throw;
        }
    }

    /// <summary>
    /// A partner call refused before its body could be read as a JSON object (too large, not JSON): it carries no
    /// credentials anyone could check, so it is counted in telemetry only, like a call refused at authentication.
    /// </summary>
    public Failure RefuseUnread(PartnerEndpoint endpoint, string? partnerName, Failure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        metrics.PartnerCall(endpoint, Unauthenticated(partnerName), FailureStatus.Of(failure.Kind), failure.Message, duration: null);
        return failure;
    }

    /// <summary>
    /// Checks the call's credentials. A call refused here (401), or failing here (storage trouble while the key is
    /// resolved), belongs to no workspace: it is counted in telemetry only, under workspace <c>unknown</c>.
    /// </summary>
    private async Task<Result<AuthenticatedPartner>> AuthenticateAsync(PartnerCall call, PartnerEndpoint endpoint, long startedAt, CancellationToken cancellationToken)
    {
        try
        {
            var auth = await authenticator.AuthenticateAsync(call.PartnerName, call.Body, cancellationToken).ConfigureAwait(false);
            if (auth.Failure is { } refused)
            {
                var outcome = SyncOutcome.Refused(refused);
                metrics.PartnerCall(endpoint, Unauthenticated(call.PartnerName), outcome.Status, outcome.Message, time.GetElapsedTime(startedAt));
            }

            return auth;
        }
        catch (Exception ex)
        {
            var outcome = SyncOutcome.FromException(ex, call.SenderGone.IsCancellationRequested, cancellationToken);
            metrics.PartnerCall(endpoint, Unauthenticated(call.PartnerName), outcome.Status, outcome.Message, time.GetElapsedTime(startedAt));
            throw;
        }
    }

    /// <summary>
    /// The one point where an authenticated call's answer goes out of the postback path: to the sync history and to
    /// telemetry (the call by its answer, its duration, and what became of its identifiers).
    /// </summary>
    private void Answered(PostbackRecord record, SyncRecord sync)
    {
        history.Record(sync);
        var scope = MetricScope.Of(sync.Workspace, sync.Partner);
        var endpoint = sync.Kind == SyncKind.Name ? PartnerEndpoint.Name : PartnerEndpoint.Users;
        metrics.PartnerCall(endpoint, scope, sync.Outcome.Status, sync.Outcome.Message, sync.Duration);
        if (endpoint == PartnerEndpoint.Users)
        {
            metrics.PostbackIdentifiers(scope, sync.Counts, record.Matched, applied: !sync.Outcome.Failed);
        }
    }

    /// <summary>The scope of a call without a workspace: its partner only if the path names a configured one.</summary>
    private MetricScope Unauthenticated(string? partnerName) =>
        MetricScope.Unauthenticated(partners.TryGet(partnerName, out var partner) ? partner.Name : null);

    private async Task<PostbackSummary> ApplyAsync(AuthenticatedPartner caller, CohortChangesRequest request, PostbackRecord record, CancellationToken cancellationToken)
    {
        var now = record.At;
        var (workspace, cohort) = (caller.Workspace, new CohortRef(caller.Partner.Name, request.CohortId));
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Workspace"] = workspace.Value, ["Partner"] = cohort.Partner });

        // Recording the sync and resolving identifiers are independent: overlap their round trips.
        var touched = cohorts.TouchAsync(workspace, cohort, now, cancellationToken);
        var match = await matcher.MatchAsync(workspace, request.Intents(), cancellationToken).ConfigureAwait(false);
        var known = await touched.ConfigureAwait(false);
        var total = await writer.ApplyAsync(workspace, cohort, match.Changes, ChangeOrigin.Postback(now), cancellationToken).ConfigureAwait(false);
        var summary = new PostbackSummary(total.Added, total.Removed, total.Unchanged, match.Unmatched.Count, total.Added + total.Removed);
        record.Counts = new SyncCounts(request.IdCount, summary.Added, summary.Removed, summary.Unchanged, summary.Unmatched, summary.DataPoints);
        record.Matched = match.Matched.Count;
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

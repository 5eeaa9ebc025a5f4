using System.Text.Json;
using CohortFunctions.Cohorts;
using CohortFunctions.Matching;
using CohortFunctions.Memberships;
using CohortFunctions.Results;
using CohortFunctions.Resync;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.Postbacks;

/// <summary>
/// The partner endpoints' work. A users postback flows: credentials (<see cref="PartnerAuthenticator"/>) →
/// validation (<see cref="CohortChangesRequest"/>) → the cohort's sync time (<see cref="ICohortStore.TouchAsync"/>)
/// and identifier matching (<see cref="IdentifierMatcher"/>) → memberships and data points
/// (<see cref="MembershipWriter"/>) → what is left for the resync (<see cref="PendingRecorder"/>). Its cost grows with
/// its own size only: one point read per identifier, then one transaction per ≤ 99 changes in each user shard it touches.
/// </summary>
internal sealed partial class PostbackService(
    PartnerAuthenticator authenticator,
    ICohortStore cohorts,
    IdentifierMatcher matcher,
    MembershipWriter writer,
    PendingRecorder pending,
    TimeProvider time,
    ILogger<PostbackService> logger)
{
    /// <summary><c>POST /partners/{partner}/cohorts</c>: creates or renames a cohort.</summary>
    public async Task<Result<CohortRef>> NameCohortAsync(string? partnerName, JsonElement body, CancellationToken cancellationToken)
    {
        var accepted = await AcceptAsync(partnerName, body, CohortNameRequest.Parse, cancellationToken).ConfigureAwait(false);
        if (accepted.Failure is { } failure)
        {
            return failure;
        }

        var (partner, workspace, request) = accepted.Value;
        var cohort = new CohortRef(partner.Name, request.CohortId);
        await cohorts.UpsertNameAsync(workspace, cohort, request.Name, request.CreatedAt, cancellationToken).ConfigureAwait(false);
        Log.CohortNamed(logger, workspace.Value, partner.Name);
        return cohort;
    }

    /// <summary><c>POST /partners/{partner}/cohorts/users</c>: adds and removes existing users.</summary>
    public async Task<Result<PostbackSummary>> ApplyChangesAsync(string? partnerName, JsonElement body, CancellationToken cancellationToken)
    {
        var accepted = await AcceptAsync(partnerName, body, CohortChangesRequest.Parse, cancellationToken).ConfigureAwait(false);
        if (accepted.Failure is { } failure)
        {
            return failure;
        }

        var (partner, workspace, request) = accepted.Value;

        // Senders test credentials with an empty change list: that must succeed and create nothing.
        if (request.IdCount == 0)
        {
            return PostbackSummary.Empty;
        }

        var cohort = new CohortRef(partner.Name, request.CohortId);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Workspace"] = workspace.Value, ["Partner"] = partner.Name });
        var now = time.GetUtcNow();
        // Recording the sync and resolving identifiers are independent: overlap their round trips.
        var touched = cohorts.TouchAsync(workspace, cohort, now, cancellationToken);
        var match = await matcher.MatchAsync(workspace, request.Intents(), cancellationToken).ConfigureAwait(false);
        var known = await touched.ConfigureAwait(false);
        var total = await writer.ApplyAsync(workspace, cohort, match.Changes, ChangeOrigin.Postback(now), cancellationToken).ConfigureAwait(false);
        await pending.RecordAsync(workspace, known, match, now, cancellationToken).ConfigureAwait(false);
        var summary = new PostbackSummary(total.Added, total.Removed, total.Unchanged, match.Unmatched.Count, total.Added + total.Removed);
        Log.Applied(logger, workspace.Value, partner.Name, summary.Added, summary.Removed, summary.Unchanged, summary.Unmatched);
        return summary;
    }

    /// <summary>Braze's order: credentials first (401s), then the request's own validation (400s).</summary>
    private async Task<Result<(Partners.Partner Partner, WorkspaceId Workspace, T Request)>> AcceptAsync<T>(
        string? partnerName,
        JsonElement body,
        Func<JsonElement, Result<T>> parse,
        CancellationToken cancellationToken)
    {
        var auth = await authenticator.AuthenticateAsync(partnerName, body, cancellationToken).ConfigureAwait(false);
        if (auth.Failure is { } unauthorized)
        {
            return unauthorized;
        }

        var request = parse(body);
        if (request.Failure is { } invalid)
        {
            return invalid;
        }

        return (auth.Value!.Partner, auth.Value.Workspace, request.Value!);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Cohort named in workspace {Workspace} by partner {Partner}")]
        public static partial void CohortNamed(ILogger logger, string workspace, string partner);

        [LoggerMessage(Level = LogLevel.Information, Message = "Postback applied in workspace {Workspace} by partner {Partner}: {Added} added, {Removed} removed, {Unchanged} unchanged, {Unmatched} unmatched")]
        public static partial void Applied(ILogger logger, string workspace, string partner, int added, int removed, int unchanged, int unmatched);
    }
}

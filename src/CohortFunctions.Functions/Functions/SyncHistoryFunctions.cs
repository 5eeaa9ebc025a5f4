using CohortFunctions.App.Http;
using CohortFunctions.History;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Functions;

/// <summary>The sync history: what each sender sent, when, and what it did (management API, function key). See docs/history.md.</summary>
internal sealed class SyncHistoryFunctions(SyncHistoryService history)
{
    /// <summary>Index of <c>{cohortId}</c> among the segments of <see cref="Routes.CohortHistory"/>.</summary>
    private const int CohortIdSegment = 5;

    /// <summary>One record: the counts are named as a users postback's answer names them.</summary>
    internal sealed record RecordBody(
        string Id,
        DateTimeOffset At,
        string Partner,
        string? CohortId,
        string Kind,
        int Status,
        string Message,
        int Received,
        int Added,
        int Removed,
        int Unchanged,
        int Unmatched,
        int DataPoints,
        long DurationMs,
        string? KeyId,
        string? RequestId);

    internal sealed record HistoryBody(IReadOnlyList<RecordBody> Records, string? Continuation);

    [Function(nameof(ListCohortHistory))]
    public async Task<IActionResult> ListCohortHistory(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.CohortHistory)] HttpRequest request,
        string workspace,
        string partner,
        string cohortId)
    {
        var cancellationToken = RequestDeadline.Token(request);
        ArgumentNullException.ThrowIfNull(request);
        var limit = Query.Limit(request);
        if (limit.Failure is { } invalid)
        {
            return ApiResponses.From(invalid);
        }

        var page = await history.CohortHistoryAsync(
            workspace,
            partner,
            RawPath.Segment(request, CohortIdSegment, cohortId),
            limit.Value,
            request.Query["continuation"],
            cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(page, Body);
    }

    [Function(nameof(ListSyncHistory))]
    public async Task<IActionResult> ListSyncHistory(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.SyncHistory)] HttpRequest request,
        string workspace)
    {
        var cancellationToken = RequestDeadline.Token(request);
        ArgumentNullException.ThrowIfNull(request);
        var limit = Query.Limit(request);
        if (limit.Failure is { } invalid)
        {
            return ApiResponses.From(invalid);
        }

        var page = await history.WorkspaceHistoryAsync(
            workspace,
            request.Query["partner"],
            request.Query["since"],
            limit.Value,
            request.Query["continuation"],
            cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(page, Body);
    }

    private static ApiResult Body(HistoryPage page) => ApiResponses.Ok(new HistoryBody([.. page.Records.Select(r => new RecordBody(
        r.Id,
        r.At,
        r.Partner,
        r.CohortId,
        SyncKinds.Name(r.Kind),
        r.Outcome.Status,
        r.Outcome.Message,
        r.Counts.Received,
        r.Counts.Added,
        r.Counts.Removed,
        r.Counts.Unchanged,
        r.Counts.Unmatched,
        r.Counts.DataPoints,
        (long)r.Duration.TotalMilliseconds,
        r.KeyId,
        r.RequestId))], page.Continuation));
}

using CohortFunctions.App.Http;
using CohortFunctions.Cohorts;
using CohortFunctions.Requests;
using CohortFunctions.Resync;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Functions;

/// <summary>Cadences and manual resync passes of cohorts (management API, function key).</summary>
internal sealed class ResyncFunctions(ResyncService resync)
{
    /// <summary>Index of <c>{cohortId}</c> among the path segments of the cohort routes.</summary>
    private const int CohortIdSegment = 5;

    internal sealed record ScheduleBody(string Partner, string CohortId, string Cadence, DateTimeOffset? LastResyncAt, DateTimeOffset? NextResyncAt);

    internal sealed record ResyncBody(int Retried, int Applied, int Expired, int StillPending, bool Complete);

    [Function(nameof(SetCohortSchedule))]
    public async Task<IActionResult> SetCohortSchedule(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = Routes.CohortSchedule)] HttpRequest request,
        string workspace,
        string partner,
        string cohortId)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var body = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Failure is { } invalid)
        {
            return ApiResponses.From(invalid);
        }

        var cadence = JsonText.Property(body.Value, "cadence");
        var set = await resync.SetCadenceAsync(workspace, partner, RawPath.Segment(request, CohortIdSegment, cohortId), cadence, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(set, c => ApiResponses.Ok(new ScheduleBody(c.Ref.Partner, c.Ref.CohortId, Cadences.Name(c.Cadence), c.LastResyncAt, c.NextResyncAt)));
    }

    [Function(nameof(ResyncCohort))]
    public async Task<IActionResult> ResyncCohort(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.CohortResync)] HttpRequest request,
        string workspace,
        string partner,
        string cohortId)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var outcome = await resync.ResyncNowAsync(workspace, partner, RawPath.Segment(request, CohortIdSegment, cohortId), request.HttpContext.TraceIdentifier, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(outcome, o => ApiResponses.Ok(new ResyncBody(o.Retried, o.Applied, o.Expired, o.StillPending, o.Complete)));
    }
}

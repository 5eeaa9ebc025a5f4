using CohortFunctions.App.Http;
using CohortFunctions.Cohorts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Functions;

/// <summary>The operator's view of imported cohorts (management API, function key).</summary>
internal sealed class CohortManagementFunctions(CohortService cohorts)
{
    /// <summary>Index of <c>{cohortId}</c> among the segments of <see cref="Routes.CohortMembers"/>.</summary>
    private const int CohortIdSegment = 5;

    /// <summary>The listing; each <see cref="CohortView"/> is written as it is (snake_case).</summary>
    internal sealed record CohortsBody(IReadOnlyList<CohortView> Cohorts);

    internal sealed record MemberBody(string UserId, string? ExternalId);

    internal sealed record MembersBody(IReadOnlyList<MemberBody> Members, string? Continuation);

    [Function(nameof(ListCohorts))]
    public async Task<IActionResult> ListCohorts(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Cohorts)] HttpRequest request,
        string workspace)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var listed = await cohorts.ListAsync(workspace, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(listed, all => ApiResponses.Ok(new CohortsBody(all)));
    }

    [Function(nameof(ListCohortMembers))]
    public async Task<IActionResult> ListCohortMembers(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.CohortMembers)] HttpRequest request,
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

        var page = await cohorts.MembersAsync(
            workspace,
            partner,
            RawPath.Segment(request, CohortIdSegment, cohortId),
            limit.Value,
            request.Query["continuation"],
            cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(page, p => ApiResponses.Ok(new MembersBody(
            [.. p.Members.Select(m => new MemberBody(m.UserId.Value, m.ExternalId))], p.Continuation)));
    }
}

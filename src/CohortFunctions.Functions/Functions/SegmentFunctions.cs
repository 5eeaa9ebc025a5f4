using System.Text.Json.Nodes;
using CohortFunctions.App.Http;
using CohortFunctions.Segments;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Functions;

/// <summary>Segments over partner cohorts for campaign targeting (management API, function key).</summary>
internal sealed class SegmentFunctions(SegmentService segments)
{
    internal sealed record FilterCohortBody(string CohortId, string DisplayName);

    internal sealed record FilterGroupBody(string Partner, string FilterName, IReadOnlyList<FilterCohortBody> Cohorts);

    internal sealed record FiltersBody(IReadOnlyList<FilterGroupBody> Filters);

    internal sealed record SegmentBody(string SegmentId, string Name, JsonNode Filter, long Size, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    internal sealed record SegmentsBody(IReadOnlyList<SegmentBody> Segments);

    internal sealed record SizeBody(long Size);

    internal sealed record UserAliasBody(string AliasName, string AliasLabel);

    internal sealed record SegmentUserBody(string UserId, string? ExternalId, IReadOnlyList<UserAliasBody> Aliases);

    internal sealed record SegmentUsersBody(IReadOnlyList<SegmentUserBody> Users, string? Continuation);

    [Function(nameof(ListCohortFilters))]
    public async Task<IActionResult> ListCohortFilters(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.CohortFilters)] HttpRequest request,
        string workspace)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var groups = await segments.CohortFiltersAsync(workspace, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(groups, all => ApiResponses.Ok(new FiltersBody(
            [.. all.Select(g => new FilterGroupBody(g.Partner, g.FilterName, [.. g.Cohorts.Select(c => new FilterCohortBody(c.CohortId, c.DisplayName))]))])));
    }

    [Function(nameof(CreateSegment))]
    public async Task<IActionResult> CreateSegment(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Segments)] HttpRequest request,
        string workspace)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var body = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Failure is { } invalid)
        {
            return ApiResponses.From(invalid);
        }

        var created = await segments.CreateAsync(workspace, body.Value, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(created, s => ApiResponses.Created(ToBody(s)));
    }

    [Function(nameof(PreviewSegmentSize))]
    public async Task<IActionResult> PreviewSegmentSize(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.SegmentSize)] HttpRequest request,
        string workspace)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var body = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Failure is { } invalid)
        {
            return ApiResponses.From(invalid);
        }

        var size = await segments.PreviewSizeAsync(workspace, body.Value, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(size, s => ApiResponses.Ok(new SizeBody(s)));
    }

    [Function(nameof(ListSegments))]
    public async Task<IActionResult> ListSegments(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Segments)] HttpRequest request,
        string workspace)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var listed = await segments.ListAsync(workspace, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(listed, all => ApiResponses.Ok(new SegmentsBody([.. all.Select(ToBody)])));
    }

    [Function(nameof(GetSegment))]
    public async Task<IActionResult> GetSegment(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.Segment)] HttpRequest request,
        string workspace,
        string segmentId)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var found = await segments.GetAsync(workspace, segmentId, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(found, s => ApiResponses.Ok(ToBody(s)));
    }

    [Function(nameof(UpdateSegment))]
    public async Task<IActionResult> UpdateSegment(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = Routes.Segment)] HttpRequest request,
        string workspace,
        string segmentId)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var body = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Failure is { } invalid)
        {
            return ApiResponses.From(invalid);
        }

        var updated = await segments.UpdateAsync(workspace, segmentId, body.Value, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(updated, s => ApiResponses.Ok(ToBody(s)));
    }

    [Function(nameof(DeleteSegment))]
    public async Task<IActionResult> DeleteSegment(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = Routes.Segment)] HttpRequest request,
        string workspace,
        string segmentId)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var deleted = await segments.DeleteAsync(workspace, segmentId, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(deleted, _ => ApiResponses.NoContent());
    }

    [Function(nameof(ExportSegmentUsers))]
    public async Task<IActionResult> ExportSegmentUsers(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.SegmentUsers)] HttpRequest request,
        string workspace,
        string segmentId)
    {
        var cancellationToken = RequestDeadline.Token(request);
        ArgumentNullException.ThrowIfNull(request);
        var limit = Query.Limit(request);
        if (limit.Failure is { } invalid)
        {
            return ApiResponses.From(invalid);
        }

        var page = await segments.UsersAsync(workspace, segmentId, limit.Value, request.Query["continuation"], cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(page, p => ApiResponses.Ok(new SegmentUsersBody(
            [.. p.Users.Select(u => new SegmentUserBody(u.UserId.Value, u.ExternalId, [.. u.Aliases.Select(a => new UserAliasBody(a.AliasName, a.AliasLabel))]))],
            p.Continuation)));
    }

    private static SegmentBody ToBody(SegmentView view) => new(
        view.Segment.SegmentId,
        view.Segment.Name,
        SegmentFilterJson.ToJson(view.Segment.Filter),
        view.Size,
        view.Segment.CreatedAt,
        view.Segment.UpdatedAt);
}

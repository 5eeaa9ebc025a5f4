using CohortFunctions.App.Http;
using CohortFunctions.Postbacks;
using CohortFunctions.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Functions;

/// <summary>
/// Braze's partner cohort import endpoints, at Braze's paths. Anonymous at the Functions level: the partner API key
/// and the data import key travel in the body and are checked by <see cref="PartnerAuthenticator"/>.
/// </summary>
internal sealed class PartnerCohortFunctions(PostbackService postbacks)
{
    internal sealed record SuccessBody(string Message);

    internal sealed record ChangesBody(string Message, int Added, int Removed, int Unchanged, int Unmatched, int DataPoints);

    [Function(nameof(NameCohort))]
    public async Task<IActionResult> NameCohort(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.PartnerCohorts)] HttpRequest request,
        string partner)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var body = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Failure is { } invalid)
        {
            return ApiResponses.From(postbacks.RefuseUnread(PartnerEndpoint.Name, partner, invalid));
        }

        var named = await postbacks.NameCohortAsync(Call(request, partner, body.Value), cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(named, _ => ApiResponses.Created(new SuccessBody(PartnerMessages.Success)));
    }

    [Function(nameof(ChangeCohortUsers))]
    public async Task<IActionResult> ChangeCohortUsers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Routes.PartnerCohortUsers)] HttpRequest request,
        string partner)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var body = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Failure is { } invalid)
        {
            return ApiResponses.From(postbacks.RefuseUnread(PartnerEndpoint.Users, partner, invalid));
        }

        var applied = await postbacks.ApplyChangesAsync(Call(request, partner, body.Value), cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(applied, s => ApiResponses.Created(
            new ChangesBody(PartnerMessages.Success, s.Added, s.Removed, s.Unchanged, s.Unmatched, s.DataPoints)));
    }

    /// <summary>The call as the core takes it: its request id and the sender's going away go to the sync history.</summary>
    private static PartnerCall Call(HttpRequest request, string partner, System.Text.Json.JsonElement body) =>
        new(partner, body, request.HttpContext.TraceIdentifier) { SenderGone = RequestDeadline.ResponseToken(request.HttpContext) };
}

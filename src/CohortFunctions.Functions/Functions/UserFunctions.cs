using CohortFunctions.App.Http;
using CohortFunctions.Users;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Functions;

/// <summary>The operator's users: create and update, identify, delete (management API, function key). See docs/users.md; <see cref="UserLookupFunctions"/> looks them up.</summary>
internal sealed class UserFunctions(UserService users)
{
    internal sealed record EntryErrorBody(int Index, string Message);

    internal sealed record UpsertedBody(int Created, int Updated, IReadOnlyList<EntryErrorBody> Errors);

    internal sealed record IdentifiedBody(int Identified, int Merged, IReadOnlyList<EntryErrorBody> Errors);

    [Function(nameof(UpsertUsers))]
    public async Task<IActionResult> UpsertUsers(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Users)] HttpRequest request,
        string workspace)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var body = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Failure is { } invalid)
        {
            return ApiResponses.From(invalid);
        }

        var upserted = await users.UpsertAsync(workspace, body.Value, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(upserted, o => ApiResponses.Ok(new UpsertedBody(o.Created, o.Updated, ErrorsOf(o.Errors))));
    }

    [Function(nameof(IdentifyUsers))]
    public async Task<IActionResult> IdentifyUsers(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.UsersIdentify)] HttpRequest request,
        string workspace)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var body = await JsonBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
        if (body.Failure is { } invalid)
        {
            return ApiResponses.From(invalid);
        }

        var identified = await users.IdentifyAsync(workspace, body.Value, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(identified, o => ApiResponses.Ok(new IdentifiedBody(o.Identified, o.Merged, ErrorsOf(o.Errors))));
    }

    [Function(nameof(DeleteUser))]
    public async Task<IActionResult> DeleteUser(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = Routes.User)] HttpRequest request,
        string workspace,
        string userId)
    {
        var cancellationToken = RequestDeadline.Token(request);
        var deleted = await users.DeleteAsync(workspace, userId, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(deleted, _ => ApiResponses.NoContent());
    }

    private static List<EntryErrorBody> ErrorsOf(IReadOnlyList<UserEntryError> errors) =>
        [.. errors.Select(e => new EntryErrorBody(e.Index, e.Message))];
}

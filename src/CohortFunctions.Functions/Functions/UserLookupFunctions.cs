using CohortFunctions.App.Http;
using CohortFunctions.Identifiers;
using CohortFunctions.Memberships;
using CohortFunctions.Users;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace CohortFunctions.App.Functions;

/// <summary>Looks a user up by one identifier, with where it stands in each cohort and why (management API, function key).</summary>
internal sealed class UserLookupFunctions(UserLookup lookup)
{
    internal sealed record AliasBody(string AliasName, string AliasLabel);

    internal sealed record CohortBody(string Partner, string CohortId);

    internal sealed record PendingBody(string Identifier, string Change, DateTimeOffset Since);

    internal sealed record CohortStateBody(
        string Partner,
        string CohortId,
        string DisplayName,
        string State,
        DateTimeOffset? MemberSince,
        string? AddedBy,
        PendingBody? Pending);

    internal sealed record UserBody(
        string UserId,
        string? ExternalId,
        IReadOnlyList<AliasBody> Aliases,
        IReadOnlyList<string> DeviceIds,
        bool Anonymous,
        bool WasAnonymous,
        IReadOnlyList<CohortBody> Cohorts,
        IReadOnlyList<CohortStateBody> CohortStates);

    [Function(nameof(LookupUser))]
    public async Task<IActionResult> LookupUser(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Routes.UsersLookup)] HttpRequest request,
        string workspace)
    {
        var cancellationToken = RequestDeadline.Token(request);
        ArgumentNullException.ThrowIfNull(request);
        var query = UserLookupQuery.Parse(request.Query);
        if (query.Failure is { } invalid)
        {
            return ApiResponses.From(invalid);
        }

        var found = await lookup.LookupAsync(workspace, query.Value!, cancellationToken).ConfigureAwait(false);
        return ApiResponses.From(found, d => ApiResponses.Ok(new UserBody(
            d.Profile.UserId.Value,
            d.Profile.ExternalId,
            [.. d.Profile.Aliases.Select(a => new AliasBody(a.AliasName, a.AliasLabel))],
            d.Profile.DeviceIds,
            d.Profile.IsAnonymous,
            d.Profile.WasAnonymous,
            [.. d.Cohorts.Select(c => new CohortBody(c.Partner, c.CohortId))],
            [.. d.Standings.Select(StateBody)])));
    }

    private static CohortStateBody StateBody(CohortStanding standing) => new(
        standing.Cohort.Partner,
        standing.Cohort.CohortId,
        standing.DisplayName,
        standing.State switch
        {
            CohortState.Member => "member",
            CohortState.Pending => "pending",
            _ => "not_member",
        },
        standing.Membership?.Since,
        standing.Membership?.Source switch
        {
            MembershipSource.Postback => "postback",
            MembershipSource.Resync => "resync",
            MembershipSource.Merge => "merge",
            _ => null,
        },
        standing.Pending is { } pending
            ? new PendingBody(
                pending.Kind switch
                {
                    IdentifierKind.ExternalId => "external_id",
                    IdentifierKind.DeviceId => "device_id",
                    _ => "alias",
                },
                pending.Remove ? "remove" : "add",
                pending.Since)
            : null);
}

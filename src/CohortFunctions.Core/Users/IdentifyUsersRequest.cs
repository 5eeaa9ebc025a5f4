using System.Text.Json;
using CohortFunctions.Identifiers;
using CohortFunctions.Results;

namespace CohortFunctions.Users;

/// <summary>Reads the body of <c>POST /manage/workspaces/{ws}/users/identify</c>: <c>{"identify": [...]}</c>.</summary>
internal static class IdentifyUsersRequest
{
    /// <summary>Braze's <c>/users/identify</c> takes 50 per request; a merge also moves cohort memberships, so we keep that.</summary>
    public const int MaxUsers = 50;

    public static Result<IReadOnlyList<RequestEntry<IdentifyUser>>> Parse(JsonElement body) => RequestEntry.ParseAll(body, "identify", MaxUsers, "an identify entry", ParseEntry);

    /// <summary>One identify object of the array.</summary>
    private static RequestEntry<IdentifyUser> ParseEntry(int index, JsonElement element)
    {
        if (!RequestJson.TryOptionalString(element, "external_id", out var externalId) || externalId is null)
        {
            return RequestEntry.Invalid<IdentifyUser>(index, "external_id is required and must be a string.");
        }

        if (!RequestJson.TryOptionalString(element, "device_id", out var deviceId))
        {
            return RequestEntry.Invalid<IdentifyUser>(index, "device_id must be a string.");
        }

        UserAlias? alias = null;
        if (RequestJson.Optional(element, "user_alias") is { } aliasElement && (alias = RequestJson.Alias(aliasElement)) is null)
        {
            return RequestEntry.Invalid<IdentifyUser>(index, "user_alias must be an object with string alias_name and alias_label.");
        }

        return (deviceId is null) == (alias is null)
            ? RequestEntry.Invalid<IdentifyUser>(index, "give exactly one of device_id and user_alias.")
            : RequestEntry.Valid(index, new IdentifyUser(externalId, deviceId, alias));
    }
}

using System.Text.Json;
using CohortFunctions.Identifiers;
using CohortFunctions.Results;

namespace CohortFunctions.Users;

/// <summary>The body of <c>POST /manage/workspaces/{ws}/users/identify</c>: <c>{"identify": [...]}</c>.</summary>
internal sealed record IdentifyUsersRequest(IReadOnlyList<RequestEntry<IdentifyUser>> Users)
{
    /// <summary>Braze's <c>/users/identify</c> takes 50 per request; a merge also moves cohort memberships, so we keep that.</summary>
    public const int MaxUsers = 50;

    public const string TooManyMessage = "identify: at most 50 users per request.";

    public const string NotAnArrayMessage = "identify must be an array.";

    public static Result<IdentifyUsersRequest> Parse(JsonElement body) =>
        RequestEntry.ParseAll(body, "identify", MaxUsers, (NotAnArrayMessage, TooManyMessage), ParseEntry).TryGetValue(out var entries, out var invalid)
            ? new IdentifyUsersRequest(entries)
            : invalid;

    private static RequestEntry<IdentifyUser> ParseEntry(int index, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return RequestEntry.Invalid<IdentifyUser>(index, "an identify entry must be a JSON object.");
        }

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

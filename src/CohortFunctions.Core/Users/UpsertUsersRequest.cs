using System.Text.Json;
using CohortFunctions.Identifiers;
using CohortFunctions.Results;

namespace CohortFunctions.Users;

/// <summary>The body of <c>POST /manage/workspaces/{ws}/users</c>: <c>{"users": [...]}</c>.</summary>
internal sealed record UpsertUsersRequest(IReadOnlyList<RequestEntry<UserUpsert>> Users)
{
    public const int MaxUsers = 1000;

    public const string TooManyMessage = "users: at most 1,000 users per request.";

    public const string NotAnArrayMessage = "users must be an array.";

    public static Result<UpsertUsersRequest> Parse(JsonElement body) =>
        RequestEntry.ParseAll(body, "users", MaxUsers, (NotAnArrayMessage, TooManyMessage), ParseUser).TryGetValue(out var entries, out var invalid)
            ? new UpsertUsersRequest(entries)
            : invalid;

    private static RequestEntry<UserUpsert> ParseUser(int index, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return RequestEntry.Invalid<UserUpsert>(index, "a user must be a JSON object.");
        }

        if (!RequestJson.TryOptionalString(element, "external_id", out var externalId))
        {
            return RequestEntry.Invalid<UserUpsert>(index, "external_id must be a string.");
        }

        var deviceIds = new List<string>();
        if (RequestJson.Optional(element, "device_ids") is { } devices)
        {
            if (devices.ValueKind != JsonValueKind.Array)
            {
                return RequestEntry.Invalid<UserUpsert>(index, "device_ids must be an array of strings.");
            }

            foreach (var device in devices.EnumerateArray())
            {
                if (device.ValueKind != JsonValueKind.String)
                {
                    return RequestEntry.Invalid<UserUpsert>(index, "device_ids must be an array of strings.");
                }

                deviceIds.Add(RequestJson.Text(device));
            }
        }

        var aliases = new List<UserAlias>();
        if (RequestJson.Optional(element, "aliases") is { } aliasArray)
        {
            if (aliasArray.ValueKind != JsonValueKind.Array)
            {
                return RequestEntry.Invalid<UserUpsert>(index, "aliases must be an array of {\"alias_name\", \"alias_label\"} objects.");
            }

            var position = 0;
            foreach (var aliasElement in aliasArray.EnumerateArray())
            {
                if (RequestJson.Alias(aliasElement) is not { } alias)
                {
                    return RequestEntry.Invalid<UserUpsert>(index, $"aliases[{position}] must be an object with string alias_name and alias_label.");
                }

                aliases.Add(alias);
                position++;
            }
        }

        return RequestEntry.Valid(index, new UserUpsert(externalId, deviceIds, aliases));
    }
}

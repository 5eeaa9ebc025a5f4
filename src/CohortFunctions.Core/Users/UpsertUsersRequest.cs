using System.Text.Json;
using CohortFunctions.Identifiers;
using CohortFunctions.Results;

namespace CohortFunctions.Users;

/// <summary>Reads the body of <c>POST /manage/workspaces/{ws}/users</c>: <c>{"users": [...]}</c>.</summary>
internal static class UpsertUsersRequest
{
    public const int MaxUsers = 1000;

    public static Result<IReadOnlyList<RequestEntry<UserUpsert>>> Parse(JsonElement body) => RequestEntry.ParseAll(body, "users", MaxUsers, "a user", ParseUser);

    /// <summary>One user object of the array.</summary>
    private static RequestEntry<UserUpsert> ParseUser(int index, JsonElement element)
    {
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

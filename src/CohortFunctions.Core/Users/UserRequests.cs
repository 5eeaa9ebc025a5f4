using System.Text.Json;
using CohortFunctions.Identifiers;
using CohortFunctions.Requests;
using CohortFunctions.Results;
using Microsoft.Extensions.Primitives;

namespace CohortFunctions.Users;

/// <summary>
/// One entry of a batch request, at <see cref="Index"/> in the request's array: what it asks for, or why its JSON
/// shape was wrong. Invalid entries are reported in the response; the others are applied.
/// </summary>
internal sealed record RequestEntry<T>(int Index, T? Value, string? Error)
    where T : class;

/// <summary>Builds <see cref="RequestEntry{T}"/>s.</summary>
internal static class RequestEntry
{
    public static RequestEntry<T> Valid<T>(int index, T value)
        where T : class => new(index, value, null);

    public static RequestEntry<T> Invalid<T>(int index, string error)
        where T : class => new(index, null, error);
}

/// <summary>One element of <c>users</c> as sent; its values are checked by <see cref="UserService"/>.</summary>
internal sealed record UserUpsert(string? ExternalId, IReadOnlyList<string> DeviceIds, IReadOnlyList<UserAlias> Aliases);

/// <summary>The body of <c>POST /manage/workspaces/{ws}/users</c>: <c>{"users": [...]}</c>.</summary>
internal sealed record UpsertUsersRequest(IReadOnlyList<RequestEntry<UserUpsert>> Users)
{
    public const int MaxUsers = 1000;

    public const string TooManyMessage = "users: at most 1,000 users per request.";

    public const string NotAnArrayMessage = "users must be an array.";

    public static Result<UpsertUsersRequest> Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("users", out var users) || users.ValueKind != JsonValueKind.Array)
        {
            return Failure.Invalid(NotAnArrayMessage);
        }

        if (users.GetArrayLength() > MaxUsers)
        {
            return Failure.Invalid(TooManyMessage);
        }

        var entries = new List<RequestEntry<UserUpsert>>(users.GetArrayLength());
        var index = 0;
        foreach (var element in users.EnumerateArray())
        {
            entries.Add(ParseUser(index++, element));
        }

        return new UpsertUsersRequest(entries);
    }

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

/// <summary>One element of <c>identify</c>: the anonymous user (by exactly one of device id and alias) and its external id.</summary>
internal sealed record IdentifyUser(string ExternalId, string? DeviceId, UserAlias? UserAlias);

/// <summary>The body of <c>POST /manage/workspaces/{ws}/users/identify</c>: <c>{"identify": [...]}</c>.</summary>
internal sealed record IdentifyUsersRequest(IReadOnlyList<RequestEntry<IdentifyUser>> Users)
{
    /// <summary>Braze's <c>/users/identify</c> takes 50 per request; a merge also moves cohort memberships, so we keep that.</summary>
    public const int MaxUsers = 50;

    public const string TooManyMessage = "identify: at most 50 users per request.";

    public const string NotAnArrayMessage = "identify must be an array.";

    public static Result<IdentifyUsersRequest> Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("identify", out var users) || users.ValueKind != JsonValueKind.Array)
        {
            return Failure.Invalid(NotAnArrayMessage);
        }

        if (users.GetArrayLength() > MaxUsers)
        {
            return Failure.Invalid(TooManyMessage);
        }

        var entries = new List<RequestEntry<IdentifyUser>>(users.GetArrayLength());
        var index = 0;
        foreach (var element in users.EnumerateArray())
        {
            entries.Add(ParseEntry(index++, element));
        }

        return new IdentifyUsersRequest(entries);
    }

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

/// <summary>
/// The query of <c>GET /manage/workspaces/{ws}/users/lookup</c>: exactly one of <c>external_id</c>, <c>device_id</c>,
/// or <c>alias_name</c> with <c>alias_label</c>. Other parameters (such as the function key's <c>code</c>) are ignored.
/// </summary>
internal sealed record UserLookupRequest(Identifier Identifier)
{
    public const string UsageMessage = "Give exactly one of external_id, device_id, or alias_name with alias_label.";

    private static readonly string[] Names = ["external_id", "device_id", "alias_name", "alias_label"];

    public static Result<UserLookupRequest> Parse(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in query)
        {
            var known = Array.Find(Names, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                continue;
            }

            if (value.Count != 1 || values.ContainsKey(known))
            {
                return Failure.Invalid($"{known} must be given once.");
            }

            values[known] = value[0];
        }

        var external = values.GetValueOrDefault("external_id");
        var device = values.GetValueOrDefault("device_id");
        var aliasName = values.GetValueOrDefault("alias_name");
        var aliasLabel = values.GetValueOrDefault("alias_label");
        var hasAlias = aliasName is not null || aliasLabel is not null;
        var kinds = (external is null ? 0 : 1) + (device is null ? 0 : 1) + (hasAlias ? 1 : 0);
        if (kinds != 1 || (hasAlias && (aliasName is null || aliasLabel is null)))
        {
            return Failure.Invalid(UsageMessage);
        }

        var (identifier, field) = external is not null ? (Identifier.External(external), "external_id")
            : device is not null ? (Identifier.Device(device), "device_id")
            : (Identifier.Alias(new UserAlias(aliasName!, aliasLabel!)), IdentifierRules.IsValid(aliasName) ? "alias_label" : "alias_name");
        var valid = IdentifierRules.IsValid(identifier.Value) && (identifier.AliasLabel is null || IdentifierRules.IsValid(identifier.AliasLabel));
        return valid ? new UserLookupRequest(identifier) : Failure.Invalid($"{field} must be {IdentifierRules.Description}.");
    }
}

/// <summary>Reading the optional, nullable members of the users API's JSON.</summary>
internal static class RequestJson
{
    private const string UnpairedSurrogate = "\ud800";

    /// <summary>The member, or null when it is absent or JSON null (both mean "not given").</summary>
    public static JsonElement? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>False when the member is present with a type other than string; null when not given.</summary>
    public static bool TryOptionalString(JsonElement element, string name, out string? value)
    {
        value = null;
        if (Optional(element, name) is not { } member)
        {
            return true;
        }

        if (member.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = Text(member);
        return true;
    }

    /// <summary>
    /// A JSON string's value. An escaped unpaired surrogate (<c>"\ud800"</c>) is valid JSON that .NET refuses to decode;
    /// it comes back as a lone surrogate, which <see cref="IdentifierRules"/> rejects like any other.
    /// </summary>
    public static string Text(JsonElement element) => JsonText.TryGetString(element, out var text) ? text : UnpairedSurrogate;

    /// <summary><c>{"alias_name": "...", "alias_label": "..."}</c>, or null when it is not that shape.</summary>
    public static UserAlias? Alias(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty("alias_name", out var name) && name.ValueKind == JsonValueKind.String
        && element.TryGetProperty("alias_label", out var label) && label.ValueKind == JsonValueKind.String
            ? new UserAlias(Text(name), Text(label))
            : null;
}

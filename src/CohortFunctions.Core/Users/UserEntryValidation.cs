using CohortFunctions.Identifiers;

namespace CohortFunctions.Users;

/// <summary>
/// Checks the values of the users API's entries against <see cref="IdentifierRules"/> and the per-user limits; each
/// error names the request field it is about, never the value (identifiers may be personal data).
/// </summary>
internal static class UserEntryValidation
{
    /// <summary>An upsert entry with repeated identifiers dropped, in claim order (external id, aliases, device ids), or why not.</summary>
    public static (UserEntry? Entry, string? Error) Validate(int index, UserUpsert user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identifiers = new List<EntryIdentifier>();
        if (user.ExternalId is { } externalId)
        {
            if (!IdentifierRules.IsValid(externalId))
            {
                return (null, $"external_id must be {IdentifierRules.Description}.");
            }

            identifiers.Add(new EntryIdentifier(Identifier.External(externalId), "external_id"));
        }

        var aliases = new List<UserAlias>();
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < user.Aliases.Count; i++)
        {
            var alias = user.Aliases[i];
            if (!IdentifierRules.IsValid(alias.AliasName) || !IdentifierRules.IsValid(alias.AliasLabel))
            {
                return (null, $"aliases[{i}].{AliasField(alias)} must be {IdentifierRules.Description}.");
            }

            if (labels.TryGetValue(alias.AliasLabel, out var first))
            {
                if (user.Aliases[first] == alias)
                {
                    continue;
                }

                return (null, $"aliases[{i}] has the same alias_label as aliases[{first}]: a user has one alias per label.");
            }

            labels[alias.AliasLabel] = i;
            aliases.Add(alias);
            identifiers.Add(new EntryIdentifier(Identifier.Alias(alias), $"aliases[{i}]"));
        }

        var devices = new List<string>();
        for (var i = 0; i < user.DeviceIds.Count; i++)
        {
            var deviceId = user.DeviceIds[i];
            if (!IdentifierRules.IsValid(deviceId))
            {
                return (null, $"device_ids[{i}] must be {IdentifierRules.Description}.");
            }

            if (!devices.Contains(deviceId, StringComparer.Ordinal))
            {
                devices.Add(deviceId);
                identifiers.Add(new EntryIdentifier(Identifier.Device(deviceId), $"device_ids[{i}]"));
            }
        }

        if (identifiers.Count == 0)
        {
            return (null, "a user needs an external_id, a device id or an alias.");
        }

        return UserLimits.Check(devices, aliases) is { } tooMany
            ? (null, tooMany)
            : (new UserEntry(index, user.ExternalId, devices, aliases, identifiers), null);
    }

    /// <summary>An identify entry whose external id and anonymous user's identifier can be identifiers, or why not.</summary>
    public static (IdentifyEntry? Entry, string? Error) Validate(int index, IdentifyUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!IdentifierRules.IsValid(user.ExternalId))
        {
            return (null, $"external_id must be {IdentifierRules.Description}.");
        }

        if (user.DeviceId is { } deviceId)
        {
            return IdentifierRules.IsValid(deviceId)
                ? (new IdentifyEntry(index, user.ExternalId, Identifier.Device(deviceId), "device_id"), null)
                : (null, $"device_id must be {IdentifierRules.Description}.");
        }

        var alias = user.UserAlias!;
        if (!IdentifierRules.IsValid(alias.AliasName) || !IdentifierRules.IsValid(alias.AliasLabel))
        {
            return (null, $"user_alias.{AliasField(alias)} must be {IdentifierRules.Description}.");
        }

        return (new IdentifyEntry(index, user.ExternalId, Identifier.Alias(alias), "user_alias"), null);
    }

    /// <summary>Why a looked-up identifier cannot belong to a user, or null when it can.</summary>
    public static string? LookupError(Identifier identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var field = identifier.Kind switch
        {
            IdentifierKind.ExternalId => "external_id",
            IdentifierKind.DeviceId => "device_id",
            _ => AliasField(new UserAlias(identifier.Value, identifier.AliasLabel ?? "")),
        };
        var valid = IdentifierRules.IsValid(identifier.Value) && (identifier.AliasLabel is null || IdentifierRules.IsValid(identifier.AliasLabel));
        return valid ? null : $"{field} must be {IdentifierRules.Description}.";
    }

    /// <summary>The field of an invalid alias that is wrong: its name if that is invalid, its label otherwise.</summary>
    private static string AliasField(UserAlias alias) => IdentifierRules.IsValid(alias.AliasName) ? "alias_label" : "alias_name";
}

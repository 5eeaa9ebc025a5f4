using CohortFunctions.Identifiers;
using CohortFunctions.Results;

namespace CohortFunctions.Users;

/// <summary>
/// What the users API's operations do to one profile, as pure functions for <see cref="ProfileWriter"/>: each returns
/// the profile itself when there is nothing to change, so nothing is written.
/// </summary>
internal static class ProfileChanges
{
    /// <summary>The profile with the entry's identifiers added, or why it cannot take them.</summary>
    public static Result<UserProfile> WithEntry(UserProfile profile, UserEntry entry)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.ExternalId is not null && profile.ExternalId is not null && !string.Equals(profile.ExternalId, entry.ExternalId, StringComparison.Ordinal))
        {
            return Failure.Conflict("external_id belongs to another user.");
        }

        var aliases = profile.Aliases.ToList();
        foreach (var item in entry.Identifiers.Where(i => i.Identifier.Kind == IdentifierKind.Alias))
        {
            var alias = AliasOf(item.Identifier);
            if (aliases.Contains(alias))
            {
                continue;
            }

            if (aliases.Exists(a => string.Equals(a.AliasLabel, alias.AliasLabel, StringComparison.Ordinal)))
            {
                return Failure.Conflict($"{item.Field}: the user already has another alias with this alias_label.");
            }

            aliases.Add(alias);
        }

        var devices = profile.DeviceIds.Concat(entry.DeviceIds.Except(profile.DeviceIds, StringComparer.Ordinal)).ToList();
        var identifies = profile.IsAnonymous && entry.ExternalId is not null;
        if (!identifies && aliases.Count == profile.Aliases.Count && devices.Count == profile.DeviceIds.Count)
        {
            return profile;
        }

        if (UserLimits.Check(devices, aliases) is { } tooMany)
        {
            return Failure.Invalid(tooMany);
        }

        return profile with
        {
            ExternalId = profile.ExternalId ?? entry.ExternalId,
            WasAnonymous = profile.WasAnonymous || identifies,
            DeviceIds = devices,
            Aliases = aliases,
        };
    }

    /// <summary>The profile without these device ids and aliases.</summary>
    public static Result<UserProfile> Without(UserProfile profile, IReadOnlySet<string> devices, IReadOnlySet<UserAlias> aliases)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(aliases);
        if (!profile.DeviceIds.Any(devices.Contains) && !profile.Aliases.Any(aliases.Contains))
        {
            return profile;
        }

        return profile with
        {
            DeviceIds = [.. profile.DeviceIds.Where(d => !devices.Contains(d))],
            Aliases = [.. profile.Aliases.Where(a => !aliases.Contains(a))],
        };
    }

    /// <summary>An anonymous profile identified by <paramref name="externalId"/>; the same identify again changes nothing.</summary>
    public static Result<UserProfile> Identified(UserProfile profile, string externalId)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.IsAnonymous)
        {
            return profile with { ExternalId = externalId, WasAnonymous = true };
        }

        return string.Equals(profile.ExternalId, externalId, StringComparison.Ordinal)
            ? profile
            : Failure.Conflict("the user was identified by another external_id meanwhile.");
    }

    /// <summary>
    /// The target's profile with the source's aliases and device ids added. Like Braze, the target keeps its own alias
    /// when both have one with the same label; identifiers beyond <see cref="UserLimits"/> are dropped the same way.
    /// </summary>
    public static Result<UserProfile> Absorb(UserProfile target, UserProfile source, string externalId)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        var aliases = target.Aliases.ToList();
        var devices = target.DeviceIds.ToList();
        foreach (var alias in source.Aliases)
        {
            if (!aliases.Exists(a => string.Equals(a.AliasLabel, alias.AliasLabel, StringComparison.Ordinal))
                && UserLimits.Check(devices, [.. aliases, alias]) is null)
            {
                aliases.Add(alias);
            }
        }

        foreach (var deviceId in source.DeviceIds)
        {
            if (!devices.Contains(deviceId, StringComparer.Ordinal) && UserLimits.Check([.. devices, deviceId], aliases) is null)
            {
                devices.Add(deviceId);
            }
        }

        if (!target.IsAnonymous && aliases.Count == target.Aliases.Count && devices.Count == target.DeviceIds.Count)
        {
            return target;
        }

        return target with
        {
            ExternalId = target.ExternalId ?? externalId,
            WasAnonymous = target.WasAnonymous || target.IsAnonymous,
            DeviceIds = devices,
            Aliases = aliases,
        };
    }

    /// <summary>Whether the profile lists the identifier (so its index row may point at the profile's user).</summary>
    public static bool Lists(UserProfile profile, Identifier identifier)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(identifier);
        return identifier.Kind switch
        {
            IdentifierKind.Alias => profile.Aliases.Contains(AliasOf(identifier)),
            IdentifierKind.DeviceId => profile.DeviceIds.Contains(identifier.Value, StringComparer.Ordinal),
            _ => string.Equals(profile.ExternalId, identifier.Value, StringComparison.Ordinal),
        };
    }

    /// <summary>Every identifier the profile lists: external id, aliases, device ids.</summary>
    public static IEnumerable<Identifier> IdentifiersOf(UserProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return (profile.ExternalId is { } externalId ? [Identifier.External(externalId)] : Array.Empty<Identifier>())
            .Concat(profile.Aliases.Select(Identifier.Alias))
            .Concat(profile.DeviceIds.Select(Identifier.Device));
    }

    private static UserAlias AliasOf(Identifier identifier) => new(identifier.Value, identifier.AliasLabel!);
}

using System.Text.Json;
using CohortFunctions.Identifiers;
using CohortFunctions.Results;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Users;

/// <summary>
/// Identify: an anonymous user gets an external id. If no user has it, the anonymous user becomes that user (Braze's
/// first scenario); otherwise it is merged into the user that has it and removed (the second). Either way its device
/// ids stop matching postbacks, and they are made so first, before the external id is claimed, so no crash can leave a
/// device id matching an identified user. Every step is conditional on the state it expects, so repeating a request
/// that crashed halfway completes it.
/// </summary>
internal sealed partial class UserService
{
    /// <summary><c>POST .../users/identify</c>.</summary>
    public async Task<Result<IdentifyUsersOutcome>> IdentifyAsync(string? workspace, JsonElement body, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        var request = IdentifyUsersRequest.Parse(body);
        if (request.Failure is { } invalid)
        {
            return invalid;
        }

        var outcomes = new EntryOutcome[request.Value!.Users.Count];
        var valid = new List<IdentifyEntry>();
        foreach (var entry in request.Value.Users)
        {
            var (identify, error) = entry.Value is { } value ? Validate(entry.Index, value) : (null, entry.Error);
            if (identify is null)
            {
                outcomes[entry.Index] = EntryOutcome.Failed(error!);
            }
            else
            {
                valid.Add(identify);
            }
        }

        await ForEachGroupAsync(
            valid,
            entry => [entry.Lookup, Identifier.External(entry.ExternalId)],
            async (entry, ct) => outcomes[entry.Index] = await IdentifyOneAsync(ws, entry, ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

        var outcome = new IdentifyUsersOutcome(Count(outcomes, EntryResult.Identified), Count(outcomes, EntryResult.Merged), Errors(ws, outcomes));
        Log.UsersIdentified(logger, ws.Value, outcome.Identified, outcome.Merged, outcome.Errors.Count);
        return outcome;
    }

    private async Task<EntryOutcome> IdentifyOneAsync(WorkspaceId workspace, IdentifyEntry entry, CancellationToken cancellationToken)
    {
        var owner = await index.FindAsync(workspace, entry.Lookup, cancellationToken).ConfigureAwait(false);
        var found = owner is null ? null : await store.GetAsync(workspace, owner.UserId, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return EntryOutcome.Failed($"no user has this {entry.LookupField}.");
        }

        var user = found.Profile;
        if (!user.IsAnonymous)
        {
            if (!string.Equals(user.ExternalId, entry.ExternalId, StringComparison.Ordinal))
            {
                return EntryOutcome.Failed("the user is already identified by another external_id.");
            }

            // The same identify again (or a merge that finished): only make sure the device ids stopped matching.
            return await MakeUnmatchableAsync(workspace, user.UserId, user.DeviceIds, cancellationToken).ConfigureAwait(false)
                ? EntryOutcome.Of(EntryResult.Identified)
                : EntryOutcome.Failed(BusyMessage);
        }

        // (1) Before the external id is claimed: a crash after this leaves an anonymous user whose devices do not match
        // (repaired by repeating the request), never an identified user whose devices do.
        if (!await MakeUnmatchableAsync(workspace, user.UserId, user.DeviceIds, cancellationToken).ConfigureAwait(false))
        {
            return EntryOutcome.Failed(BusyMessage);
        }

        // (2) Claim the external id; if another user has it, merge into that user instead.
        var claim = await ClaimAsync(workspace, Identifier.External(entry.ExternalId), user.UserId, matchable: true, mayTakeOver: false, cancellationToken).ConfigureAwait(false);
        if (claim.Refusal is { } refusal)
        {
            return claim.HeldBy is { } holder && await store.GetAsync(workspace, holder, cancellationToken).ConfigureAwait(false) is { } target
                ? await MergeAsync(workspace, found, target, entry, cancellationToken).ConfigureAwait(false)
                : EntryOutcome.Failed($"external_id {refusal}");
        }

        var written = await ChangeProfileAsync(workspace, user.UserId, found, p => Identified(p, entry.ExternalId), cancellationToken).ConfigureAwait(false);
        if (written.Failure is { } failure)
        {
            if (claim.Claimed is { } claimed)
            {
                await ReleaseAsync(workspace, [claimed], cancellationToken).ConfigureAwait(false);
            }

            return EntryOutcome.Failed(failure.Message);
        }

        // Device ids added by a concurrent update after step 1 read the profile.
        await MakeUnmatchableAsync(workspace, user.UserId, written.Value!.After.DeviceIds, cancellationToken).ConfigureAwait(false);
        return EntryOutcome.Of(EntryResult.Identified);
    }

    /// <summary>
    /// (3) Merges anonymous <paramref name="source"/> into <paramref name="target"/>, the user with the external id.
    /// The target's profile is written first (so rows that move to it point at a profile listing them), then the
    /// source's rows move or go, then its memberships move, then the row the request named (until then a repeated
    /// request still finds the source and completes the merge), and the source's profile goes last.
    /// </summary>
    private async Task<EntryOutcome> MergeAsync(WorkspaceId workspace, StoredUser source, StoredUser target, IdentifyEntry entry, CancellationToken cancellationToken)
    {
        var (from, to) = (source.Profile.UserId, target.Profile.UserId);
        var written = await ChangeProfileAsync(workspace, to, target, p => Absorb(p, source.Profile, entry.ExternalId), cancellationToken).ConfigureAwait(false);
        if (written.Failure is { } failure)
        {
            return EntryOutcome.Failed(failure.Message);
        }

        var merged = written.Value!.After;
        if (written.Value.Before.IsAnonymous)
        {
            // The target had claimed the external id in an identify that crashed before its profile said so.
            await MakeUnmatchableAsync(workspace, to, merged.DeviceIds, cancellationToken).ConfigureAwait(false);
        }

        var identifiers = source.Profile.Aliases.Select(Identifier.Alias)
            .Concat(source.Profile.DeviceIds.Select(Identifier.Device))
            .Where(i => i != entry.Lookup);
        foreach (var identifier in identifiers)
        {
            if (!await MoveOrDropAsync(workspace, identifier, from, to, Lists(merged, identifier), cancellationToken).ConfigureAwait(false))
            {
                return EntryOutcome.Failed(BusyMessage);
            }
        }

        await memberships.MoveAllAsync(workspace, from, to, cancellationToken).ConfigureAwait(false);
        if (!await MoveOrDropAsync(workspace, entry.Lookup, from, to, Lists(merged, entry.Lookup), cancellationToken).ConfigureAwait(false))
        {
            return EntryOutcome.Failed(BusyMessage);
        }

        await store.DeleteAsync(workspace, from, version: null, cancellationToken).ConfigureAwait(false);
        Log.UserMerged(logger, workspace.Value, from.Value, to.Value);
        return EntryOutcome.Of(EntryResult.Merged);
    }

    private static Result<UserProfile> Identified(UserProfile profile, string externalId)
    {
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
    private static Result<UserProfile> Absorb(UserProfile target, UserProfile source, string externalId)
    {
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
    private static bool Lists(UserProfile profile, Identifier identifier) => identifier.Kind switch
    {
        IdentifierKind.Alias => profile.Aliases.Contains(AliasOf(identifier)),
        IdentifierKind.DeviceId => profile.DeviceIds.Contains(identifier.Value, StringComparer.Ordinal),
        _ => string.Equals(profile.ExternalId, identifier.Value, StringComparison.Ordinal),
    };

    private static (IdentifyEntry? Entry, string? Error) Validate(int index, IdentifyUser user)
    {
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
            var field = IdentifierRules.IsValid(alias.AliasName) ? "alias_label" : "alias_name";
            return (null, $"user_alias.{field} must be {IdentifierRules.Description}.");
        }

        return (new IdentifyEntry(index, user.ExternalId, Identifier.Alias(alias), "user_alias"), null);
    }
}

using System.Text.Json;
using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Memberships;
using CohortFunctions.Results;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.Users;

/// <summary>
/// The users feature of the management API: create and update users, identify anonymous ones (merging into an
/// existing user when the external id is taken), look users up, delete them.
/// <para>
/// Consistency without transactions across tables rests on an order every operation keeps: a profile is written
/// before any index row points at it, and index rows are released before a profile is deleted, so an index row never
/// points at a profile that is not there (one that does is left over from a crash or a lost race, and is treated as
/// belonging to no one). Index rows are claimed with create-only writes and changed only under ETags, so an
/// identifier belongs to at most one user however requests interleave; every step can be repeated.
/// </para>
/// </summary>
internal sealed partial class UserService(
    IUserStore store,
    IIdentifierIndex index,
    IUserMemberships memberships,
    TimeProvider time,
    ILogger<UserService> logger)
{
    /// <summary>
    /// Entries applied at once. Each is a handful of point operations on partitions of its own; Azurite stops gaining
    /// near 8 concurrent requests, Azure Table Storage much later, and 16 keeps one request from starving the others.
    /// </summary>
    internal const int Parallelism = 16;

    /// <summary>
    /// Tries of a conditional write that lost to a concurrent one before the entry is reported as busy. Requests that
    /// update one user at once take turns: with n writers the last may lose n - 1 times.
    /// </summary>
    private const int MaxAttempts = 10;

    internal const string BusyMessage = "the user is being changed by another request; retry.";

    internal const string GoneMessage = "the user was deleted by another request; retry.";

    internal const string NotFoundMessage = "No such user in this workspace.";

    /// <summary><c>POST .../users</c>: creates or updates each entry; invalid ones are reported, valid ones applied.</summary>
    public async Task<Result<UpsertUsersOutcome>> UpsertAsync(string? workspace, JsonElement body, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        var request = UpsertUsersRequest.Parse(body);
        if (request.Failure is { } invalid)
        {
            return invalid;
        }

        var outcomes = new EntryOutcome[request.Value!.Users.Count];
        var valid = new List<UserEntry>();
        foreach (var entry in request.Value.Users)
        {
            var (user, error) = entry.Value is { } value ? Validate(entry.Index, value) : (null, entry.Error);
            if (user is null)
            {
                outcomes[entry.Index] = EntryOutcome.Failed(error!);
            }
            else
            {
                valid.Add(user);
            }
        }

        await ForEachGroupAsync(
            valid,
            entry => entry.Identifiers.Select(i => i.Identifier),
            async (entry, ct) => outcomes[entry.Index] = await UpsertOneAsync(ws, entry, mayRetry: true, ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

        var outcome = new UpsertUsersOutcome(Count(outcomes, EntryResult.Created), Count(outcomes, EntryResult.Updated), Errors(ws, outcomes));
        Log.UsersUpserted(logger, ws.Value, outcome.Created, outcome.Updated, outcome.Errors.Count);
        return outcome;
    }

    /// <summary><c>GET .../users/lookup</c>: the user holding an external id, device id (matchable or not) or alias.</summary>
    public async Task<Result<UserDetails>> LookupAsync(string? workspace, Identifier identifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        if (UserEntryValidation.LookupError(identifier) is { } invalid)
        {
            return Failure.Invalid(invalid);
        }

        var owner = await index.FindAsync(ws, identifier, cancellationToken).ConfigureAwait(false);
        var stored = owner is null ? null : await store.GetAsync(ws, owner.UserId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return Failure.NotFound(NotFoundMessage);
        }

        var cohorts = await memberships.CohortsOfAsync(ws, stored.Profile.UserId, cancellationToken).ConfigureAwait(false);
        return new UserDetails(stored.Profile, cohorts);
    }

    /// <summary>
    /// <c>DELETE .../users/{id}</c>: memberships first (so member counts never include a deleted user), then the index
    /// rows, then the profile. A crash leaves the profile, so repeating the request completes the delete.
    /// </summary>
    public async Task<Result<UserId>> DeleteAsync(string? workspace, string? userId, CancellationToken cancellationToken)
    {
        if (!WorkspaceId.Parse(workspace).TryGetValue(out var ws, out var invalidWorkspace))
        {
            return invalidWorkspace;
        }

        if (!UserId.TryParse(userId, out var user) || await store.GetAsync(ws, user, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return Failure.NotFound(NotFoundMessage);
        }

        await memberships.RemoveFromAllAsync(ws, user, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            foreach (var identifier in IdentifiersOf(stored.Profile))
            {
                await MoveOrDropAsync(ws, identifier, user, user, keep: false, cancellationToken).ConfigureAwait(false);
            }

            // A write that changed the profile meanwhile may have added identifiers: their rows go too, then the profile.
            if (await store.DeleteAsync(ws, user, attempt < MaxAttempts ? stored.Version : null, cancellationToken).ConfigureAwait(false)
                || await store.GetAsync(ws, user, cancellationToken).ConfigureAwait(false) is not { } changed)
            {
                break;
            }

            stored = changed;
        }

        Log.UserDeleted(logger, ws.Value, user.Value);
        return user;
    }

    private async Task<EntryOutcome> UpsertOneAsync(WorkspaceId workspace, UserEntry entry, bool mayRetry, CancellationToken cancellationToken)
    {
        var (target, held, error) = await FindTargetAsync(workspace, entry, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return EntryOutcome.Failed(error);
        }

        return target is null
            ? await CreateAsync(workspace, entry, mayRetry, cancellationToken).ConfigureAwait(false)
            : await UpdateAsync(workspace, entry, target, held, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The user an entry updates: by external id when it has one; otherwise the one user its aliases and matchable
    /// device ids point at. A device id held without matching (by an identified user) does not make an anonymous
    /// entry that user: an anonymous user may take it over. Also returns the identifiers already indexed to that user.
    /// </summary>
    private async Task<(StoredUser? Target, IReadOnlySet<Identifier> Held, string? Error)> FindTargetAsync(
        WorkspaceId workspace, UserEntry entry, CancellationToken cancellationToken)
    {
        var lookups = entry.ExternalId is null ? entry.Identifiers : entry.Identifiers.Take(1);
        var owners = new List<(EntryIdentifier Item, IdentifierOwner Owner)>();
        foreach (var item in lookups)
        {
            if (await index.FindAsync(workspace, item.Identifier, cancellationToken).ConfigureAwait(false) is { } owner)
            {
                owners.Add((item, owner));
            }
        }

        var candidates = new List<(StoredUser User, string Field)>();
        foreach (var (item, owner) in owners.Where(o => o.Item.Identifier.Kind != IdentifierKind.DeviceId || o.Owner.Matchable))
        {
            if (candidates.Any(c => c.User.Profile.UserId == owner.UserId))
            {
                continue;
            }

            if (await store.GetAsync(workspace, owner.UserId, cancellationToken).ConfigureAwait(false) is { } user)
            {
                candidates.Add((user, item.Field));
            }
        }

        if (candidates.Count > 1)
        {
            return (null, new HashSet<Identifier>(), $"{string.Join(" and ", candidates.Select(c => c.Field))} belong to different users.");
        }

        var target = candidates.Count == 1 ? candidates[0].User : null;
        var held = owners.Where(o => o.Owner.UserId == target?.Profile.UserId).Select(o => o.Item.Identifier).ToHashSet();
        return (target, held, null);
    }

    private async Task<EntryOutcome> CreateAsync(WorkspaceId workspace, UserEntry entry, bool mayRetry, CancellationToken cancellationToken)
    {
        var profile = new UserProfile(UserId.New(), workspace, entry.ExternalId, entry.DeviceIds, entry.Aliases, WasAnonymous: false, time.GetUtcNow());
        await store.CreateAsync(profile, cancellationToken).ConfigureAwait(false);
        var claims = await ClaimAllAsync(workspace, entry.Identifiers, profile.UserId, profile.IsAnonymous, cancellationToken).ConfigureAwait(false);
        if (claims.Conflict is { } conflict)
        {
            await ReleaseAsync(workspace, claims.Claimed, cancellationToken).ConfigureAwait(false);
            await store.DeleteAsync(workspace, profile.UserId, version: null, cancellationToken).ConfigureAwait(false);

            // Another request created a user with this external id first: that user is the one to update.
            return mayRetry && conflict.Identifier.Kind == IdentifierKind.ExternalId && conflict.HeldBy is not null
                ? await UpsertOneAsync(workspace, entry, mayRetry: false, cancellationToken).ConfigureAwait(false)
                : EntryOutcome.Failed(conflict.Message);
        }

        await SettleAsync(workspace, profile.UserId, claims.Claimed, cancellationToken).ConfigureAwait(false);
        return EntryOutcome.Of(EntryResult.Created);
    }

    private async Task<EntryOutcome> UpdateAsync(
        WorkspaceId workspace, UserEntry entry, StoredUser target, IReadOnlySet<Identifier> held, CancellationToken cancellationToken)
    {
        var user = target.Profile.UserId;
        var written = await ChangeProfileAsync(workspace, user, target, p => WithEntry(p, entry), cancellationToken).ConfigureAwait(false);
        if (written.Failure is { } failure)
        {
            return EntryOutcome.Failed(failure.Message);
        }

        var (before, after) = (written.Value!.Before, written.Value.After);
        var claims = await ClaimAllAsync(
            workspace, entry.Identifiers.Where(i => !held.Contains(i.Identifier)), user, after.IsAnonymous, cancellationToken).ConfigureAwait(false);
        if (claims.Conflict is { } conflict)
        {
            await ReleaseAsync(workspace, claims.Claimed, cancellationToken).ConfigureAwait(false);
            var addedDevices = after.DeviceIds.Except(before.DeviceIds, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            var addedAliases = after.Aliases.Except(before.Aliases).ToHashSet();
            await ChangeProfileAsync(workspace, user, null, p => Without(p, addedDevices, addedAliases), cancellationToken).ConfigureAwait(false);
            return EntryOutcome.Failed(conflict.Message);
        }

        if (before.IsAnonymous && !after.IsAnonymous)
        {
            // Completes an identify that crashed after claiming the external id.
            await MakeUnmatchableAsync(workspace, user, after.DeviceIds, cancellationToken).ConfigureAwait(false);
        }

        await SettleAsync(workspace, user, claims.Claimed, cancellationToken).ConfigureAwait(false);
        return EntryOutcome.Of(EntryResult.Updated);
    }

    /// <summary>The profile with the entry's identifiers added, itself when there is nothing to add, or why it cannot take them.</summary>
    private static Result<UserProfile> WithEntry(UserProfile profile, UserEntry entry)
    {
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

    private static Result<UserProfile> Without(UserProfile profile, HashSet<string> devices, HashSet<UserAlias> aliases)
    {
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

    /// <summary>Read-modify-write of a profile under its ETag, repeated when a concurrent write got there first.</summary>
    private async Task<Result<ProfileWrite>> ChangeProfileAsync(
        WorkspaceId workspace, UserId user, StoredUser? current, Func<UserProfile, Result<UserProfile>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            await PauseAsync(attempt, cancellationToken).ConfigureAwait(false);
            current ??= await store.GetAsync(workspace, user, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return Failure.NotFound(GoneMessage);
            }

            var changed = change(current.Profile);
            if (changed.Failure is { } failure)
            {
                return failure;
            }

            if (ReferenceEquals(changed.Value, current.Profile)
                || await store.ReplaceAsync(changed.Value!, current.Version, cancellationToken).ConfigureAwait(false) is not null)
            {
                return new ProfileWrite(current.Profile, changed.Value!);
            }

            current = null;
        }

        return Failure.Conflict(BusyMessage);
    }

    /// <summary>Claims the identifiers in order and stops at the first one that belongs to someone else.</summary>
    private async Task<Claims> ClaimAllAsync(
        WorkspaceId workspace, IEnumerable<EntryIdentifier> identifiers, UserId owner, bool anonymous, CancellationToken cancellationToken)
    {
        var claimed = new List<ClaimedIdentifier>();
        foreach (var item in identifiers)
        {
            var matchable = item.Identifier.Kind != IdentifierKind.DeviceId || anonymous;
            var outcome = await ClaimAsync(workspace, item.Identifier, owner, matchable, mayTakeOver: anonymous, cancellationToken).ConfigureAwait(false);
            if (outcome.Refusal is { } refusal)
            {
                return new Claims(claimed, new ClaimConflict(item.Identifier, $"{item.Field} {refusal}", outcome.HeldBy));
            }

            if (outcome.Claimed is { } taken)
            {
                claimed.Add(taken);
            }
        }

        return new Claims(claimed, null);
    }

    /// <summary>
    /// Makes the index row of <paramref name="identifier"/> point at <paramref name="owner"/>: added if missing, kept if
    /// already the owner's, replaced (under its ETag) if left over by a deleted user or, for an anonymous claimant, if it
    /// is a device id an identified user holds without matching. Anything else belongs to someone else.
    /// </summary>
    private async Task<ClaimOutcome> ClaimAsync(
        WorkspaceId workspace, Identifier identifier, UserId owner, bool matchable, bool mayTakeOver, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            await PauseAsync(attempt, cancellationToken).ConfigureAwait(false);
            var claim = await store.AddIdentifierAsync(workspace, identifier, owner, matchable, cancellationToken).ConfigureAwait(false);
            switch (claim.Status)
            {
                case ClaimStatus.Added:
                    return ClaimOutcome.Took(new ClaimedIdentifier(identifier, claim.Row!.Version, matchable, PreviousOwner: null));
                case ClaimStatus.Collision:
                    return ClaimOutcome.Refused("cannot be stored: its storage key is taken by another identifier.", null);
                case ClaimStatus.Vanished:
                    continue;
                case ClaimStatus.Held:
                default:
                    break;
            }

            var holder = claim.Row!;
            if (holder.Owner == owner)
            {
                return ClaimOutcome.AlreadyHeld;
            }

            var holderProfile = (await store.GetAsync(workspace, holder.Owner, cancellationToken).ConfigureAwait(false))?.Profile;
            var takesOverDevice = holderProfile is { IsAnonymous: false } && mayTakeOver && identifier.Kind == IdentifierKind.DeviceId && !holder.Matchable;
            if (holderProfile is not null && !takesOverDevice)
            {
                return ClaimOutcome.Refused(
                    identifier.Kind == IdentifierKind.DeviceId && holderProfile.IsAnonymous ? "belongs to another anonymous user." : "belongs to another user.",
                    holder.Owner);
            }

            var version = await store.ReplaceIdentifierAsync(workspace, identifier, owner, matchable, holder.Version, cancellationToken).ConfigureAwait(false);
            if (version is not null)
            {
                return ClaimOutcome.Took(new ClaimedIdentifier(identifier, version, matchable, takesOverDevice ? holder.Owner : null));
            }
        }

        return ClaimOutcome.Refused("is being changed by another request; retry.", null);
    }

    /// <summary>Undoes an entry's claims, each only if the row is still as the entry wrote it.</summary>
    private async Task ReleaseAsync(WorkspaceId workspace, IReadOnlyList<ClaimedIdentifier> claimed, CancellationToken cancellationToken)
    {
        foreach (var claim in claimed)
        {
            if (claim.PreviousOwner is { } previous)
            {
                await store.ReplaceIdentifierAsync(workspace, claim.Identifier, previous, matchable: false, claim.Version, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await store.DeleteIdentifierAsync(workspace, claim.Identifier, claim.Version, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>What an entry does after all its claims succeeded.</summary>
    private async Task SettleAsync(WorkspaceId workspace, UserId user, IReadOnlyList<ClaimedIdentifier> claimed, CancellationToken cancellationToken)
    {
        // An identify that read this user's device ids before these rows existed could not make them unmatchable.
        var matchableDevices = claimed.Where(c => c.Identifier.Kind == IdentifierKind.DeviceId && c.Matchable).Select(c => c.Identifier.Value).ToList();
        if (matchableDevices.Count > 0 && await store.GetAsync(workspace, user, cancellationToken).ConfigureAwait(false) is { Profile.IsAnonymous: false })
        {
            await MakeUnmatchableAsync(workspace, user, matchableDevices, cancellationToken).ConfigureAwait(false);
        }

        // A device id taken over from an identified user leaves that user's profile.
        foreach (var taken in claimed.Where(c => c.PreviousOwner is not null).GroupBy(c => c.PreviousOwner!.Value))
        {
            var devices = taken.Select(c => c.Identifier.Value).ToHashSet(StringComparer.Ordinal);
            await ChangeProfileAsync(workspace, taken.Key, null, p => Without(p, devices, new HashSet<UserAlias>()), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sets the rows of <paramref name="user"/>'s device ids to not matchable; false if contention prevented it.</summary>
    private async Task<bool> MakeUnmatchableAsync(WorkspaceId workspace, UserId user, IEnumerable<string> deviceIds, CancellationToken cancellationToken)
    {
        foreach (var deviceId in deviceIds)
        {
            var identifier = Identifier.Device(deviceId);
            var done = false;
            for (var attempt = 0; attempt < MaxAttempts && !done; attempt++)
            {
                await PauseAsync(attempt, cancellationToken).ConfigureAwait(false);
                var row = await store.GetIdentifierAsync(workspace, identifier, cancellationToken).ConfigureAwait(false);
                done = row is null || row.Owner != user || !row.Matchable
                    || await store.ReplaceIdentifierAsync(workspace, identifier, user, matchable: false, row.Version, cancellationToken).ConfigureAwait(false) is not null;
            }

            if (!done)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// If <paramref name="from"/> holds the identifier's row: points it at <paramref name="to"/> when
    /// <paramref name="keep"/> (device ids then do not match: the new owner is identified), deletes it otherwise. Rows
    /// of anyone else are left alone, so this can be repeated. False if contention prevented it.
    /// </summary>
    private async Task<bool> MoveOrDropAsync(WorkspaceId workspace, Identifier identifier, UserId from, UserId to, bool keep, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            await PauseAsync(attempt, cancellationToken).ConfigureAwait(false);
            var row = await store.GetIdentifierAsync(workspace, identifier, cancellationToken).ConfigureAwait(false);
            if (row is null || row.Owner != from)
            {
                return true;
            }

            var done = keep
                ? await store.ReplaceIdentifierAsync(workspace, identifier, to, identifier.Kind != IdentifierKind.DeviceId, row.Version, cancellationToken).ConfigureAwait(false) is not null
                : await store.DeleteIdentifierAsync(workspace, identifier, row.Version, cancellationToken).ConfigureAwait(false);
            if (done)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A short random pause, growing with each try, before a conditional write is tried again, so writers that
    /// collided do not collide again in lockstep. Real time on purpose: it paces storage calls, it is not domain time.
    /// </summary>
    private static Task PauseAsync(int attempt, CancellationToken cancellationToken) =>
        attempt == 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken);

    private static Task ForEachGroupAsync<T>(
        IReadOnlyList<T> entries, Func<T, IEnumerable<Identifier>> identifiers, Func<T, CancellationToken, Task> apply, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            EntryGroups.Of(entries, identifiers),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (group, ct) =>
            {
                foreach (var entry in group)
                {
                    await apply(entry, ct).ConfigureAwait(false);
                }
            });

    /// <summary>Checks an entry's values and drops repeated identifiers; the error names the request field.</summary>
    private static (UserEntry? Entry, string? Error) Validate(int index, UserUpsert user)
    {
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
                var field = IdentifierRules.IsValid(alias.AliasName) ? "alias_label" : "alias_name";
                return (null, $"aliases[{i}].{field} must be {IdentifierRules.Description}.");
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

    private static IEnumerable<Identifier> IdentifiersOf(UserProfile profile) =>
        (profile.ExternalId is { } externalId ? [Identifier.External(externalId)] : Array.Empty<Identifier>())
            .Concat(profile.Aliases.Select(Identifier.Alias))
            .Concat(profile.DeviceIds.Select(Identifier.Device));

    private static UserAlias AliasOf(Identifier identifier) => new(identifier.Value, identifier.AliasLabel!);

    private static int Count(EntryOutcome[] outcomes, EntryResult result) => outcomes.Count(o => o.Result == result);

    private List<UserEntryError> Errors(WorkspaceId workspace, EntryOutcome[] outcomes)
    {
        var errors = new List<UserEntryError>();
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i].Result == EntryResult.Failed)
            {
                // Messages name request fields, never identifier values (they may be personal data).
                Log.EntryRejected(logger, workspace.Value, i, outcomes[i].Error!);
                errors.Add(new UserEntryError(i, outcomes[i].Error!));
            }
        }

        return errors;
    }

    private sealed record ProfileWrite(UserProfile Before, UserProfile After);

    private sealed record ClaimedIdentifier(Identifier Identifier, string Version, bool Matchable, UserId? PreviousOwner);

    private sealed record ClaimConflict(Identifier Identifier, string Message, UserId? HeldBy);

    private sealed record Claims(IReadOnlyList<ClaimedIdentifier> Claimed, ClaimConflict? Conflict);

    /// <summary>A claim took the row (<see cref="Claimed"/>), found it already the claimant's (neither set), or was refused.</summary>
    private sealed record ClaimOutcome(ClaimedIdentifier? Claimed, string? Refusal, UserId? HeldBy)
    {
        public static ClaimOutcome AlreadyHeld { get; } = new(null, null, null);

        public static ClaimOutcome Took(ClaimedIdentifier claimed) => new(claimed, null, null);

        public static ClaimOutcome Refused(string reason, UserId? heldBy) => new(null, reason, heldBy);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Users upserted in workspace {Workspace}: {Created} created, {Updated} updated, {Errors} rejected")]
        public static partial void UsersUpserted(ILogger logger, string workspace, int created, int updated, int errors);

        [LoggerMessage(Level = LogLevel.Information, Message = "Users identified in workspace {Workspace}: {Identified} identified, {Merged} merged, {Errors} rejected")]
        public static partial void UsersIdentified(ILogger logger, string workspace, int identified, int merged, int errors);

        [LoggerMessage(Level = LogLevel.Information, Message = "User {Source} merged into user {Target} in workspace {Workspace}")]
        public static partial void UserMerged(ILogger logger, string workspace, string source, string target);

        [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} deleted from workspace {Workspace}")]
        public static partial void UserDeleted(ILogger logger, string workspace, string userId);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Entry {Index} rejected in workspace {Workspace}: {Reason}")]
        public static partial void EntryRejected(ILogger logger, string workspace, int index, string reason);
    }
}

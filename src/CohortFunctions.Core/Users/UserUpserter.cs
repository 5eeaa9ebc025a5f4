using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Users;

/// <summary>
/// Applies the entries of <c>POST .../users</c>: creates the user an entry names, or adds its identifiers to the user
/// that has them. The profile is written before any index row points at it; a conflict undoes what the entry wrote.
/// <para>
/// An entry that leads its group (shares no identifier with an earlier entry of the request) is first taken for a
/// new user: its profile was created ahead with the others (<see cref="FreshProfiles"/>, a transaction per user shard)
/// and its identifiers are claimed with create-only writes, which answer "does a user have this?" without a read. Only
/// when a claim finds the identifier held does the entry turn into an update: by the external id's holder for an
/// identified entry, or by looking its identifiers up for an anonymous one. Later entries of a group most likely
/// update the user an earlier one created, so they look their identifiers up first. docs/users.md counts the requests.
/// </para>
/// </summary>
internal sealed class UserUpserter(IUserStore store, IIdentifierIndex index, IdentifierClaims claims, ProfileWriter profiles, TimeProvider time)
{
    /// <summary>Creates the profiles of the entries that lead their groups, before any entry is applied.</summary>
    public Task PrepareAsync(WorkspaceId workspace, IReadOnlyList<UserEntry> leaders, FreshProfiles fresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        return fresh.CreateAsync(store, workspace, leaders, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Applies one entry: as a new user when its profile was created ahead, else by looking its identifiers up.</summary>
    public Task<EntryOutcome> ApplyAsync(WorkspaceId workspace, UserEntry entry, FreshProfiles fresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(fresh);
        return fresh.Take(entry.Index) is { } profile
            ? CreateAheadAsync(workspace, entry, profile, fresh, cancellationToken)
            : LookUpAndApplyAsync(workspace, entry, mayRetry: true, cancellationToken);
    }

    /// <summary>Deletes the profiles created ahead that no entry kept.</summary>
    public Task CompleteAsync(WorkspaceId workspace, FreshProfiles fresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        return fresh.DeleteUnusedAsync(store, workspace, cancellationToken);
    }

    /// <summary>An entry whose new profile exists already: claim its identifiers for it, or find the user it updates.</summary>
    private async Task<EntryOutcome> CreateAheadAsync(WorkspaceId workspace, UserEntry entry, StoredUser created, FreshProfiles fresh, CancellationToken cancellationToken)
    {
        var user = created.Profile.UserId;
        var claimed = await claims.ClaimAllAsync(workspace, entry.Identifiers, user, created.Profile.IsAnonymous, cancellationToken).ConfigureAwait(false);
        if (claimed.Conflict is not { } conflict)
        {
            await SettleAsync(workspace, user, claimed.Claimed, cancellationToken).ConfigureAwait(false);
            return EntryOutcome.Of(EntryResult.Created);
        }

        await claims.ReleaseAsync(workspace, claimed.Claimed, cancellationToken).ConfigureAwait(false);
        if (claimed.Claimed.Count > 0)
        {
            // Another request may have found the profile through a row it held for a moment: it goes now, as the profile
            // of a create that lost always did. One that never held a row (the first claim was refused, as for every
            // update) was seen by no one and goes with the others at the end of the request.
            await store.DeleteAsync(workspace, user, version: null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            fresh.Discard(created);
        }

        if (conflict.HeldBy is null)
        {
            return EntryOutcome.Failed(conflict.Message);
        }

        if (entry.ExternalId is null)
        {
            // A user holding an alias or device id of an anonymous entry may be the user it updates, or one of several:
            // decided from all its index rows, as for any entry that is not taken for new (the row the claim read is known).
            return await LookUpAndApplyAsync(workspace, entry, mayRetry: false, cancellationToken, conflict.Holder is { } known ? (conflict.Identifier, known) : null).ConfigureAwait(false);
        }

        // Only the external id says which user an identified entry is; another identifier held by someone is its error.
        return conflict.Identifier.Kind == IdentifierKind.ExternalId && conflict.Holder is { } holder
            ? await UpdateAsync(workspace, entry, holder.User, new HashSet<Identifier> { conflict.Identifier }, cancellationToken).ConfigureAwait(false)
            : EntryOutcome.Failed(conflict.Message);
    }

    private async Task<EntryOutcome> LookUpAndApplyAsync(
        WorkspaceId workspace, UserEntry entry, bool mayRetry, CancellationToken cancellationToken, (Identifier Identifier, IdentifierHolder Holder)? known = null)
    {
        var (target, lookedUp, held, error) = await FindTargetAsync(workspace, entry, known, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return EntryOutcome.Failed(error);
        }

        return target is null
            ? await CreateAsync(workspace, entry, mayRetry, cancellationToken).ConfigureAwait(false)
            : await UpdateAsync(workspace, entry, target, held, cancellationToken, lookedUp).ConfigureAwait(false);
    }

    /// <summary>
    /// The user an entry updates: by external id when it has one; otherwise the one user its aliases and matchable
    /// device ids point at. A device id held without matching (by an identified user) does not make an anonymous
    /// entry that user: an anonymous user may take it over. Also returns the identifiers looked up, and those of them
    /// already indexed to that user. An identifier whose row and holder were just read (<paramref name="known"/>) is
    /// not read again.
    /// </summary>
    private async Task<(StoredUser? Target, IReadOnlySet<Identifier> LookedUp, IReadOnlySet<Identifier> Held, string? Error)> FindTargetAsync(
        WorkspaceId workspace, UserEntry entry, (Identifier Identifier, IdentifierHolder Holder)? known, CancellationToken cancellationToken)
    {
        var lookups = (entry.ExternalId is null ? entry.Identifiers : entry.Identifiers.Take(1)).ToList();
        var lookedUp = lookups.Select(i => i.Identifier).ToHashSet();
        var owners = new List<(EntryIdentifier Item, IdentifierOwner Owner)>();
        foreach (var item in lookups)
        {
            var owner = known is { } k && k.Identifier == item.Identifier
                ? new IdentifierOwner(k.Holder.Row.Owner, k.Holder.Row.Matchable)
                : await index.FindAsync(workspace, item.Identifier, cancellationToken).ConfigureAwait(false);
            if (owner is not null)
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

            var user = known is { } k && k.Holder.User.Profile.UserId == owner.UserId
                ? k.Holder.User
                : await store.GetAsync(workspace, owner.UserId, cancellationToken).ConfigureAwait(false);
            if (user is not null)
            {
                candidates.Add((user, item.Field));
            }
        }

        if (candidates.Count > 1)
        {
            return (null, lookedUp, new HashSet<Identifier>(), $"{string.Join(" and ", candidates.Select(c => c.Field))} belong to different users.");
        }

        var target = candidates.Count == 1 ? candidates[0].User : null;
        var held = owners.Where(o => o.Owner.UserId == target?.Profile.UserId).Select(o => o.Item.Identifier).ToHashSet();
        return (target, lookedUp, held, null);
    }

    private async Task<EntryOutcome> CreateAsync(WorkspaceId workspace, UserEntry entry, bool mayRetry, CancellationToken cancellationToken)
    {
        var profile = FreshProfiles.NewProfile(workspace, entry, time.GetUtcNow());
        await store.CreateAsync(profile, cancellationToken).ConfigureAwait(false);
        var claimed = await claims.ClaimAllAsync(workspace, entry.Identifiers, profile.UserId, profile.IsAnonymous, cancellationToken).ConfigureAwait(false);
        if (claimed.Conflict is { } conflict)
        {
            await claims.ReleaseAsync(workspace, claimed.Claimed, cancellationToken).ConfigureAwait(false);
            await store.DeleteAsync(workspace, profile.UserId, version: null, cancellationToken).ConfigureAwait(false);

            // Another request created a user with this external id first: that user is the one to update.
            return mayRetry && conflict.Identifier.Kind == IdentifierKind.ExternalId && conflict.HeldBy is not null
                ? await LookUpAndApplyAsync(workspace, entry, mayRetry: false, cancellationToken).ConfigureAwait(false)
                : EntryOutcome.Failed(conflict.Message);
        }

        await SettleAsync(workspace, profile.UserId, claimed.Claimed, cancellationToken).ConfigureAwait(false);
        return EntryOutcome.Of(EntryResult.Created);
    }

    /// <summary>
    /// Adds the entry's identifiers to <paramref name="target"/> (as just read) and claims those not <paramref name="held"/>.
    /// Identifiers the profile already lists and that were not <paramref name="lookedUp"/> are most likely indexed to the
    /// user already: their rows are read rather than claimed (<see cref="IdentifierClaims.ClaimAllAsync"/>).
    /// </summary>
    private async Task<EntryOutcome> UpdateAsync(
        WorkspaceId workspace, UserEntry entry, StoredUser target, IReadOnlySet<Identifier> held, CancellationToken cancellationToken, IReadOnlySet<Identifier>? lookedUp = null)
    {
        var user = target.Profile.UserId;
        var written = await profiles.ChangeAsync(workspace, user, target, p => ProfileChanges.WithEntry(p, entry), cancellationToken).ConfigureAwait(false);
        if (written.Failure is { } failure)
        {
            return EntryOutcome.Failed(failure.Message);
        }

        var (before, after) = (written.Value!.Before, written.Value.After);
        var listed = IdentifiersOf(before).Where(i => lookedUp?.Contains(i) != true && !held.Contains(i)).ToHashSet();
        var claimed = await claims.ClaimAllAsync(
            workspace, entry.Identifiers.Where(i => !held.Contains(i.Identifier)), user, after.IsAnonymous, cancellationToken, listed).ConfigureAwait(false);
        if (claimed.Conflict is { } conflict)
        {
            await claims.ReleaseAsync(workspace, claimed.Claimed, cancellationToken).ConfigureAwait(false);
            var addedDevices = after.DeviceIds.Except(before.DeviceIds, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            var addedAliases = after.Aliases.Except(before.Aliases).ToHashSet();
            await profiles.ChangeAsync(workspace, user, written.Value.Stored, p => ProfileChanges.Without(p, addedDevices, addedAliases), cancellationToken).ConfigureAwait(false);
            return EntryOutcome.Failed(conflict.Message);
        }

        if (before.IsAnonymous && !after.IsAnonymous)
        {
            // Completes an identify that crashed after claiming the external id.
            await claims.MakeUnmatchableAsync(workspace, user, after.DeviceIds, cancellationToken).ConfigureAwait(false);
        }

        await SettleAsync(workspace, user, claimed.Claimed, cancellationToken).ConfigureAwait(false);
        return EntryOutcome.Of(EntryResult.Updated);
    }

    /// <summary>What an entry does after all its claims succeeded.</summary>
    private async Task SettleAsync(WorkspaceId workspace, UserId user, IReadOnlyList<ClaimedIdentifier> claimed, CancellationToken cancellationToken)
    {
        // An identify that read this user's device ids before these rows existed could not make them unmatchable. This
        // read is the upserter's half of that hand-over (profile written, rows claimed, profile read; identify: profile
        // written, rows swept), so one of the two always sees the other; nothing earlier in the request can stand in for it.
        var matchableDevices = claimed.Where(c => c.Identifier.Kind == IdentifierKind.DeviceId && c.Matchable).Select(c => c.Identifier.Value).ToList();
        if (matchableDevices.Count > 0 && await store.GetAsync(workspace, user, cancellationToken).ConfigureAwait(false) is { Profile.IsAnonymous: false })
        {
            await claims.MakeUnmatchableAsync(workspace, user, matchableDevices, cancellationToken).ConfigureAwait(false);
        }

        // A device id taken over from an identified user leaves that user's profile, starting from the profile the claim read.
        foreach (var taken in claimed.Where(c => c.PreviousOwner is not null).GroupBy(c => c.PreviousOwner!.Value))
        {
            var devices = taken.Select(c => c.Identifier.Value).ToHashSet(StringComparer.Ordinal);
            var current = taken.Select(c => c.PreviousProfile).FirstOrDefault(p => p is not null);
            await profiles.ChangeAsync(workspace, taken.Key, current, p => ProfileChanges.Without(p, devices, new HashSet<UserAlias>()), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The identifiers a profile lists.</summary>
    private static IEnumerable<Identifier> IdentifiersOf(UserProfile profile) =>
        (profile.ExternalId is { } externalId ? [Identifier.External(externalId)] : Array.Empty<Identifier>())
            .Concat(profile.Aliases.Select(Identifier.Alias))
            .Concat(profile.DeviceIds.Select(Identifier.Device));
}

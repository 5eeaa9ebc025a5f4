using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Users;

/// <summary>
/// Applies one entry of <c>POST .../users</c>: creates the user it names, or adds its identifiers to the user that
/// has them. The profile is written before any index row points at it; a conflict undoes what the entry wrote.
/// </summary>
internal sealed class UserUpserter(IUserStore store, IIdentifierIndex index, IdentifierClaims claims, ProfileWriter profiles, TimeProvider time)
{
    public Task<EntryOutcome> ApplyAsync(WorkspaceId workspace, UserEntry entry, CancellationToken cancellationToken) =>
        ApplyAsync(workspace, entry, mayRetry: true, cancellationToken);

    private async Task<EntryOutcome> ApplyAsync(WorkspaceId workspace, UserEntry entry, bool mayRetry, CancellationToken cancellationToken)
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
        var claimed = await claims.ClaimAllAsync(workspace, entry.Identifiers, profile.UserId, profile.IsAnonymous, cancellationToken).ConfigureAwait(false);
        if (claimed.Conflict is { } conflict)
        {
            await claims.ReleaseAsync(workspace, claimed.Claimed, cancellationToken).ConfigureAwait(false);
            await store.DeleteAsync(workspace, profile.UserId, version: null, cancellationToken).ConfigureAwait(false);

            // Another request created a user with this external id first: that user is the one to update.
            return mayRetry && conflict.Identifier.Kind == IdentifierKind.ExternalId && conflict.HeldBy is not null
                ? await ApplyAsync(workspace, entry, mayRetry: false, cancellationToken).ConfigureAwait(false)
                : EntryOutcome.Failed(conflict.Message);
        }

        await SettleAsync(workspace, profile.UserId, claimed.Claimed, cancellationToken).ConfigureAwait(false);
        return EntryOutcome.Of(EntryResult.Created);
    }

    private async Task<EntryOutcome> UpdateAsync(
        WorkspaceId workspace, UserEntry entry, StoredUser target, IReadOnlySet<Identifier> held, CancellationToken cancellationToken)
    {
        var user = target.Profile.UserId;
        var written = await profiles.ChangeAsync(workspace, user, target, p => ProfileChanges.WithEntry(p, entry), cancellationToken).ConfigureAwait(false);
        if (written.Failure is { } failure)
        {
            return EntryOutcome.Failed(failure.Message);
        }

        var (before, after) = (written.Value!.Before, written.Value.After);
        var claimed = await claims.ClaimAllAsync(
            workspace, entry.Identifiers.Where(i => !held.Contains(i.Identifier)), user, after.IsAnonymous, cancellationToken).ConfigureAwait(false);
        if (claimed.Conflict is { } conflict)
        {
            await claims.ReleaseAsync(workspace, claimed.Claimed, cancellationToken).ConfigureAwait(false);
            var addedDevices = after.DeviceIds.Except(before.DeviceIds, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            var addedAliases = after.Aliases.Except(before.Aliases).ToHashSet();
            await profiles.ChangeAsync(workspace, user, null, p => ProfileChanges.Without(p, addedDevices, addedAliases), cancellationToken).ConfigureAwait(false);
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
        // An identify that read this user's device ids before these rows existed could not make them unmatchable.
        var matchableDevices = claimed.Where(c => c.Identifier.Kind == IdentifierKind.DeviceId && c.Matchable).Select(c => c.Identifier.Value).ToList();
        if (matchableDevices.Count > 0 && await store.GetAsync(workspace, user, cancellationToken).ConfigureAwait(false) is { Profile.IsAnonymous: false })
        {
            await claims.MakeUnmatchableAsync(workspace, user, matchableDevices, cancellationToken).ConfigureAwait(false);
        }

        // A device id taken over from an identified user leaves that user's profile.
        foreach (var taken in claimed.Where(c => c.PreviousOwner is not null).GroupBy(c => c.PreviousOwner!.Value))
        {
            var devices = taken.Select(c => c.Identifier.Value).ToHashSet(StringComparer.Ordinal);
            await profiles.ChangeAsync(workspace, taken.Key, null, p => ProfileChanges.Without(p, devices, new HashSet<UserAlias>()), cancellationToken).ConfigureAwait(false);
        }
    }
}

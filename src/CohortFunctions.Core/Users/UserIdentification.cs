using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Users;

/// <summary>
/// Applies one entry of <c>POST .../users/identify</c>: an anonymous user gets an external id. If no user has it, the
/// anonymous user becomes that user (Braze's first scenario); otherwise <see cref="UserMerge"/> merges it into the
/// user that has it (the second). Either way its device ids stop matching postbacks, and they are made so first,
/// before the external id is claimed, so no crash can leave a device id matching an identified user. Every step is
/// conditional on the state it expects, so repeating a request that crashed halfway completes it.
/// </summary>
internal sealed class UserIdentification(IUserStore store, IIdentifierIndex index, IdentifierClaims claims, ProfileWriter profiles, UserMerge merge)
{
    public async Task<EntryOutcome> ApplyAsync(WorkspaceId workspace, IdentifyEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
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
            return await claims.MakeUnmatchableAsync(workspace, user.UserId, user.DeviceIds, cancellationToken).ConfigureAwait(false)
                ? EntryOutcome.Of(EntryResult.Identified)
                : EntryOutcome.Failed(ConditionalWrites.BusyMessage);
        }

        // (1) Before the external id is claimed: a crash after this leaves an anonymous user whose devices do not match
        // (repaired by repeating the request), never an identified user whose devices do.
        if (!await claims.MakeUnmatchableAsync(workspace, user.UserId, user.DeviceIds, cancellationToken).ConfigureAwait(false))
        {
            return EntryOutcome.Failed(ConditionalWrites.BusyMessage);
        }

        // (2) Claim the external id; if another user has it, merge into that user instead.
        var claim = await claims.ClaimAsync(workspace, Identifier.External(entry.ExternalId), user.UserId, matchable: true, mayTakeOver: false, cancellationToken).ConfigureAwait(false);
        if (claim.Refusal is { } refusal)
        {
            return claim.HeldBy is { } holder && await store.GetAsync(workspace, holder, cancellationToken).ConfigureAwait(false) is { } target
                ? await merge.MergeAsync(workspace, found, target, entry, cancellationToken).ConfigureAwait(false)
                : EntryOutcome.Failed($"external_id {refusal}");
        }

        var written = await profiles.ChangeAsync(workspace, user.UserId, found, p => ProfileChanges.Identified(p, entry.ExternalId), cancellationToken).ConfigureAwait(false);
        if (written.Failure is { } failure)
        {
            if (claim.Claimed is { } claimed)
            {
                await claims.ReleaseAsync(workspace, [claimed], cancellationToken).ConfigureAwait(false);
            }

            return EntryOutcome.Failed(failure.Message);
        }

        // Device ids added by a concurrent update after step 1 read the profile.
        await claims.MakeUnmatchableAsync(workspace, user.UserId, written.Value!.After.DeviceIds, cancellationToken).ConfigureAwait(false);
        return EntryOutcome.Of(EntryResult.Identified);
    }
}

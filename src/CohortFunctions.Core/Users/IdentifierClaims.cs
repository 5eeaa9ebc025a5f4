using CohortFunctions.Identifiers;
using CohortFunctions.Telemetry;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Users;

/// <summary>
/// Who holds an identifier's index row: claims with create-only writes, changes only under the row's ETag, so an
/// identifier belongs to at most one user however requests interleave, and each step can be repeated.
/// </summary>
internal sealed class IdentifierClaims(IUserStore store, CohortMetrics metrics)
{
    /// <summary>
    /// Claims the identifiers in order and stops at the first one that belongs to someone else. Those in
    /// <paramref name="listed"/> (on the owner's profile already) are most likely the owner's: their rows are read
    /// first, one request each, instead of a refused add and a read.
    /// </summary>
    public async Task<EntryClaims> ClaimAllAsync(
        WorkspaceId workspace, IEnumerable<EntryIdentifier> identifiers, UserId owner, bool anonymous, CancellationToken cancellationToken, IReadOnlySet<Identifier>? listed = null)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        var claimed = new List<ClaimedIdentifier>();
        foreach (var item in identifiers)
        {
            var matchable = item.Identifier.Kind != IdentifierKind.DeviceId || anonymous;
            if (listed is not null && listed.Contains(item.Identifier)
                && await store.GetIdentifierAsync(workspace, item.Identifier, cancellationToken).ConfigureAwait(false) is { } row && row.Owner == owner)
            {
                continue;
            }

            var outcome = await ClaimAsync(workspace, item.Identifier, owner, matchable, mayTakeOver: anonymous, cancellationToken).ConfigureAwait(false);
            if (outcome.Refusal is { } refusal)
            {
                return new EntryClaims(claimed, new ClaimConflict(item.Identifier, $"{item.Field} {refusal}", outcome.HeldBy, outcome.Holder));
            }

            if (outcome.Claimed is { } taken)
            {
                claimed.Add(taken);
            }
        }

        return new EntryClaims(claimed, null);
    }

    /// <summary>
    /// Makes the index row of <paramref name="identifier"/> point at <paramref name="owner"/>: added if missing, kept if
    /// already the owner's, replaced (under its ETag) if left over by a deleted user or, for an anonymous claimant, if it
    /// is a device id an identified user holds without matching. Anything else belongs to someone else.
    /// </summary>
    public async Task<ClaimOutcome> ClaimAsync(
        WorkspaceId workspace, Identifier identifier, UserId owner, bool matchable, bool mayTakeOver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        for (var attempt = 0; attempt < ConditionalWrites.MaxAttempts; attempt++)
        {
            await ConditionalWrites.PauseAsync(attempt, cancellationToken).ConfigureAwait(false);
            var claim = await store.AddIdentifierAsync(workspace, identifier, owner, matchable, cancellationToken).ConfigureAwait(false);
            switch (claim.Status)
            {
                case ClaimStatus.Added:
                    return ClaimOutcome.Took(new ClaimedIdentifier(identifier, claim.Row!.Version, matchable, PreviousOwner: null));
                case ClaimStatus.Collision:
                    return ClaimOutcome.Refused("cannot be stored: its storage key is taken by another identifier.", null);
                case ClaimStatus.Vanished:
                    Lost(workspace, StorageOperations.IdentifiersClaim, attempt);
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

            var holderStored = await store.GetAsync(workspace, holder.Owner, cancellationToken).ConfigureAwait(false);
            var takesOverDevice = holderStored is { Profile.IsAnonymous: false } && mayTakeOver && identifier.Kind == IdentifierKind.DeviceId && !holder.Matchable;
            if (holderStored is { } held && !takesOverDevice)
            {
                return ClaimOutcome.Refused(
                    identifier.Kind == IdentifierKind.DeviceId && held.Profile.IsAnonymous ? "belongs to another anonymous user." : "belongs to another user.",
                    holder.Owner,
                    new IdentifierHolder(holder, held));
            }

            var version = await store.ReplaceIdentifierAsync(workspace, identifier, owner, matchable, holder.Version, cancellationToken).ConfigureAwait(false);
            if (version is not null)
            {
                return ClaimOutcome.Took(new ClaimedIdentifier(identifier, version, matchable, takesOverDevice ? holder.Owner : null, takesOverDevice ? holderStored : null));
            }

            Lost(workspace, StorageOperations.IdentifiersClaim, attempt);
        }

        return ClaimOutcome.Refused(ConditionalWrites.BusyRefusal, null);
    }

    /// <summary>Undoes an entry's claims, each only if the row is still as the entry wrote it.</summary>
    public async Task ReleaseAsync(WorkspaceId workspace, IReadOnlyList<ClaimedIdentifier> claimed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
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

    /// <summary>Sets the rows of <paramref name="user"/>'s device ids to not matchable; false if contention prevented it.</summary>
    public async Task<bool> MakeUnmatchableAsync(WorkspaceId workspace, UserId user, IEnumerable<string> deviceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceIds);
        foreach (var deviceId in deviceIds)
        {
            var identifier = Identifier.Device(deviceId);
            var done = false;
            for (var attempt = 0; attempt < ConditionalWrites.MaxAttempts && !done; attempt++)
            {
                await ConditionalWrites.PauseAsync(attempt, cancellationToken).ConfigureAwait(false);
                var row = await store.GetIdentifierAsync(workspace, identifier, cancellationToken).ConfigureAwait(false);
                done = row is null || row.Owner != user || !row.Matchable
                    || await store.ReplaceIdentifierAsync(workspace, identifier, user, matchable: false, row.Version, cancellationToken).ConfigureAwait(false) is not null;
                if (!done)
                {
                    Lost(workspace, StorageOperations.IdentifiersUpdate, attempt);
                }
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
    public async Task<bool> MoveOrDropAsync(WorkspaceId workspace, Identifier identifier, UserId from, UserId to, bool keep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        for (var attempt = 0; attempt < ConditionalWrites.MaxAttempts; attempt++)
        {
            await ConditionalWrites.PauseAsync(attempt, cancellationToken).ConfigureAwait(false);
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

            Lost(workspace, StorageOperations.IdentifiersUpdate, attempt);
        }

        return false;
    }

    /// <summary>Counts a conditional write that lost to a concurrent one and is tried again (the last try gives up instead).</summary>
    private void Lost(WorkspaceId workspace, string operation, int attempt)
    {
        if (attempt + 1 < ConditionalWrites.MaxAttempts)
        {
            metrics.StorageConflict(MetricScope.Of(workspace), operation);
        }
    }
}

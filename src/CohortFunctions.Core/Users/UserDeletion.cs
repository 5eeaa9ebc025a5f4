using CohortFunctions.Memberships;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Users;

/// <summary>
/// Deletes a user: memberships first (so member counts never include a deleted user), then the index rows it still
/// holds, then the profile. A crash leaves the profile, so repeating the request completes the delete.
/// </summary>
internal sealed class UserDeletion(IUserStore store, IdentifierClaims claims, IUserMemberships memberships)
{
    public async Task DeleteAsync(WorkspaceId workspace, StoredUser stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var user = stored.Profile.UserId;
        await memberships.RemoveFromAllAsync(workspace, user, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            foreach (var identifier in ProfileChanges.IdentifiersOf(stored.Profile))
            {
                await claims.MoveOrDropAsync(workspace, identifier, user, user, keep: false, cancellationToken).ConfigureAwait(false);
            }

            // A write that changed the profile meanwhile may have added identifiers: their rows go too, then the profile.
            if (await store.DeleteAsync(workspace, user, attempt < ConditionalWrites.MaxAttempts ? stored.Version : null, cancellationToken).ConfigureAwait(false)
                || await store.GetAsync(workspace, user, cancellationToken).ConfigureAwait(false) is not { } changed)
            {
                return;
            }

            stored = changed;
        }
    }
}

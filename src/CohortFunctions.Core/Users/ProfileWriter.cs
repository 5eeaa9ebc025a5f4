using CohortFunctions.Results;
using CohortFunctions.Telemetry;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Users;

/// <summary>Changes user profiles by read-modify-write under their ETag, again when a concurrent write got there first.</summary>
internal sealed class ProfileWriter(IUserStore store, CohortMetrics metrics)
{
    public const string GoneMessage = "the user was deleted by another request; retry.";

    /// <summary>
    /// Applies <paramref name="change"/> to the profile of <paramref name="user"/>, starting from <paramref name="current"/>
    /// when the caller has just read it. A change that returns the profile itself writes nothing; one that fails is the
    /// answer. Not found when the user is gone; conflict (<see cref="ConditionalWrites.BusyMessage"/>) when every try lost.
    /// </summary>
    public async Task<Result<ProfileWrite>> ChangeAsync(
        WorkspaceId workspace, UserId user, StoredUser? current, Func<UserProfile, Result<UserProfile>> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 0; attempt < ConditionalWrites.MaxAttempts; attempt++)
        {
            await ConditionalWrites.PauseAsync(attempt, cancellationToken).ConfigureAwait(false);
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

            if (ReferenceEquals(changed.Value, current.Profile))
            {
                return new ProfileWrite(current.Profile, current.Profile, current.Version);
            }

            if (await store.ReplaceAsync(changed.Value!, current.Version, cancellationToken).ConfigureAwait(false) is { } version)
            {
                return new ProfileWrite(current.Profile, changed.Value!, version);
            }

            current = null;
            if (attempt + 1 < ConditionalWrites.MaxAttempts)
            {
                metrics.StorageConflict(MetricScope.Of(workspace), StorageOperations.UsersUpdate);
            }
        }

        return Failure.Conflict(ConditionalWrites.BusyMessage);
    }
}

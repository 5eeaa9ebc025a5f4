using CohortFunctions.Identifiers;
using CohortFunctions.Memberships;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Logging;

namespace CohortFunctions.Users;

/// <summary>
/// Merges an anonymous user into the user that has the external id an identify gives it (Braze's second scenario).
/// The target's profile is written first (so rows that move to it point at a profile listing them), then the
/// source's rows move or go, then its memberships move, then the row the request named (until then a repeated
/// request still finds the source and completes the merge), and the source's profile goes last.
/// </summary>
internal sealed partial class UserMerge(IUserStore store, IdentifierClaims claims, ProfileWriter profiles, IUserMemberships memberships, ILogger logger)
{
    public async Task<EntryOutcome> MergeAsync(WorkspaceId workspace, StoredUser source, StoredUser target, IdentifyEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(entry);
        var (from, to) = (source.Profile.UserId, target.Profile.UserId);
        var written = await profiles.ChangeAsync(workspace, to, target, p => ProfileChanges.Absorb(p, source.Profile, entry.ExternalId), cancellationToken).ConfigureAwait(false);
        if (written.Failure is { } failure)
        {
            return EntryOutcome.Failed(failure.Message);
        }

        var merged = written.Value!.After;
        if (written.Value.Before.IsAnonymous)
        {
            // The target had claimed the external id in an identify that crashed before its profile said so.
            await claims.MakeUnmatchableAsync(workspace, to, merged.DeviceIds, cancellationToken).ConfigureAwait(false);
        }

        var identifiers = source.Profile.Aliases.Select(Identifier.Alias)
            .Concat(source.Profile.DeviceIds.Select(Identifier.Device))
            .Where(i => i != entry.Lookup);
        foreach (var identifier in identifiers)
        {
            if (!await claims.MoveOrDropAsync(workspace, identifier, from, to, ProfileChanges.Lists(merged, identifier), cancellationToken).ConfigureAwait(false))
            {
                return EntryOutcome.Failed(ConditionalWrites.BusyMessage);
            }
        }

        await memberships.MoveAllAsync(workspace, from, to, cancellationToken).ConfigureAwait(false);
        if (!await claims.MoveOrDropAsync(workspace, entry.Lookup, from, to, ProfileChanges.Lists(merged, entry.Lookup), cancellationToken).ConfigureAwait(false))
        {
            return EntryOutcome.Failed(ConditionalWrites.BusyMessage);
        }

        await store.DeleteAsync(workspace, from, version: null, cancellationToken).ConfigureAwait(false);
        Log.UserMerged(logger, workspace.Value, from.Value, to.Value);
        return EntryOutcome.Of(EntryResult.Merged);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "User {Source} merged into user {Target} in workspace {Workspace}")]
        public static partial void UserMerged(ILogger logger, string workspace, string source, string target);
    }
}

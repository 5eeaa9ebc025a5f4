using System.Collections.Concurrent;
using CohortFunctions.Workspaces;

namespace CohortFunctions.Users;

/// <summary>
/// The profiles one <c>POST .../users</c> request creates ahead for its entries, before any of them claims an
/// identifier: a new user's profile must exist before an index row points at it, and creating them together lets the
/// store write those of one user shard in one transaction instead of one request each. An entry that turns out to
/// update an existing user discards its profile, and the request deletes the discarded ones together at its end.
/// </summary>
internal sealed class FreshProfiles
{
    private readonly ConcurrentDictionary<int, StoredUser> _created = new();
    private readonly ConcurrentQueue<StoredUser> _discarded = new();

    /// <summary>Creates a profile for each entry (by its index in the request), as a new user with the entry's identifiers.</summary>
    public async Task CreateAsync(IUserStore store, WorkspaceId workspace, IReadOnlyList<UserEntry> entries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var profiles = entries.Select(e => NewProfile(workspace, e, now)).ToList();
        var versions = await store.CreateAllAsync(profiles, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < entries.Count; i++)
        {
            _created[entries[i].Index] = new StoredUser(profiles[i], versions[i]);
        }
    }

    /// <summary>The profile created ahead for the entry at <paramref name="index"/>, once; null if there was none.</summary>
    public StoredUser? Take(int index) => _created.TryRemove(index, out var profile) ? profile : null;

    /// <summary>A profile no index row points at, to be deleted at the end of the request.</summary>
    public void Discard(StoredUser profile) => _discarded.Enqueue(profile);

    /// <summary>Deletes the discarded profiles and those no entry took (each only if still as created).</summary>
    public async Task DeleteUnusedAsync(IUserStore store, WorkspaceId workspace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var unused = _discarded.Concat(_created.Values).ToList();
        _created.Clear();
        _discarded.Clear();
        if (unused.Count > 0)
        {
            await store.DeleteAllAsync(workspace, unused, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The profile of a new user as an entry describes it.</summary>
    public static UserProfile NewProfile(WorkspaceId workspace, UserEntry entry, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new UserProfile(UserId.New(), workspace, entry.ExternalId, entry.DeviceIds, entry.Aliases, WasAnonymous: false, now);
    }
}

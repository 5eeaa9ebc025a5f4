using System.Collections.Concurrent;
using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.UnitTests.Users;

/// <summary>
/// Counts the calls the users feature makes on its store ports, by method, and passes each on to the store it wraps.
/// The batch methods also count the profiles they carry (<see cref="ProfilesCreatedTogether"/>,
/// <see cref="ProfilesDeletedTogether"/>). What one call costs in storage requests is the adapter's business (a refused
/// add is an add and a read there): the Azurite test <c>UserStorageCostTests</c> counts those.
/// </summary>
internal sealed class CountingUserStore(InMemoryUserStore inner) : IUserStore, IIdentifierIndex
{
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private int _createdTogether;
    private int _deletedTogether;

    public int ProfilesCreatedTogether => Volatile.Read(ref _createdTogether);

    public int ProfilesDeletedTogether => Volatile.Read(ref _deletedTogether);

    /// <summary>Calls of one port method so far, by its name (e.g. <c>nameof(IUserStore.GetAsync)</c>).</summary>
    public int this[string method] => _calls.GetValueOrDefault(method);

    /// <summary>Every method called, with its count, for a failing assertion's message.</summary>
    public override string ToString() => string.Join(", ", _calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));

    public void Reset()
    {
        _calls.Clear();
        _createdTogether = _deletedTogether = 0;
    }

    public Task<StoredUser?> GetAsync(WorkspaceId workspace, UserId user, CancellationToken cancellationToken) =>
        Count(nameof(GetAsync), inner.GetAsync(workspace, user, cancellationToken));

    public Task<string> CreateAsync(UserProfile profile, CancellationToken cancellationToken) =>
        Count(nameof(CreateAsync), inner.CreateAsync(profile, cancellationToken));

    public Task<IReadOnlyList<string>> CreateAllAsync(IReadOnlyList<UserProfile> profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        Interlocked.Add(ref _createdTogether, profiles.Count);
        return Count(nameof(CreateAllAsync), inner.CreateAllAsync(profiles, cancellationToken));
    }

    public Task DeleteAllAsync(WorkspaceId workspace, IReadOnlyList<StoredUser> profiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        Interlocked.Add(ref _deletedTogether, profiles.Count);
        _calls.AddOrUpdate(nameof(DeleteAllAsync), 1, (_, n) => n + 1);
        return inner.DeleteAllAsync(workspace, profiles, cancellationToken);
    }

    public Task<string?> ReplaceAsync(UserProfile profile, string version, CancellationToken cancellationToken) =>
        Count(nameof(ReplaceAsync), inner.ReplaceAsync(profile, version, cancellationToken));

    public Task<bool> DeleteAsync(WorkspaceId workspace, UserId user, string? version, CancellationToken cancellationToken) =>
        Count(nameof(DeleteAsync), inner.DeleteAsync(workspace, user, version, cancellationToken));

    public Task<IndexedIdentifier?> GetIdentifierAsync(WorkspaceId workspace, Identifier identifier, CancellationToken cancellationToken) =>
        Count(nameof(GetIdentifierAsync), inner.GetIdentifierAsync(workspace, identifier, cancellationToken));

    public Task<IdentifierClaim> AddIdentifierAsync(WorkspaceId workspace, Identifier identifier, UserId owner, bool matchable, CancellationToken cancellationToken) =>
        Count(nameof(AddIdentifierAsync), inner.AddIdentifierAsync(workspace, identifier, owner, matchable, cancellationToken));

    public Task<string?> ReplaceIdentifierAsync(WorkspaceId workspace, Identifier identifier, UserId owner, bool matchable, string version, CancellationToken cancellationToken) =>
        Count(nameof(ReplaceIdentifierAsync), inner.ReplaceIdentifierAsync(workspace, identifier, owner, matchable, version, cancellationToken));

    public Task<bool> DeleteIdentifierAsync(WorkspaceId workspace, Identifier identifier, string version, CancellationToken cancellationToken) =>
        Count(nameof(DeleteIdentifierAsync), inner.DeleteIdentifierAsync(workspace, identifier, version, cancellationToken));

    public Task<IdentifierOwner?> FindAsync(WorkspaceId workspace, Identifier identifier, CancellationToken cancellationToken) =>
        Count(nameof(FindAsync), inner.FindAsync(workspace, identifier, cancellationToken));

    private Task<T> Count<T>(string method, Task<T> call)
    {
        _calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        return call;
    }
}

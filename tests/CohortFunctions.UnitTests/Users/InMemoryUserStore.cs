using System.Globalization;
using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;

namespace CohortFunctions.UnitTests.Users;

/// <summary>
/// The users feature's store and identifier index as plain collections, with the semantics of the Table Storage
/// adapter (create-only adds, version-checked replaces and deletes, a row's write time as <c>IndexedAt</c>); the
/// contract suite <see cref="Contracts.UserStoreContract"/> runs on both, so the two cannot drift. Writes are recorded
/// in a <see cref="CallLog"/>; <see cref="Put"/> and <see cref="PutRow"/> set up state without being recorded. A test
/// that stages a race or a crash derives and overrides the one method it needs.
/// </summary>
internal class InMemoryUserStore(TimeProvider time, CallLog? calls = null) : IUserStore, IIdentifierIndex
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(WorkspaceId, UserId), (UserProfile Profile, int Version)> _profiles = [];
    private readonly Dictionary<(WorkspaceId, Identifier), StoredRow> _rows = [];
    private readonly CallLog _calls = calls ?? new CallLog();
    private int _version;

    /// <summary>Every identifier row of every workspace.</summary>
    public int RowCount
    {
        get
        {
            lock (_gate)
            {
                return _rows.Count;
            }
        }
    }

    public virtual Task<StoredUser?> GetAsync(WorkspaceId workspace, UserId user, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_profiles.TryGetValue((workspace, user), out var stored) ? new StoredUser(stored.Profile, Version(stored.Version)) : null);
        }
    }

    public virtual Task<string> CreateAsync(UserProfile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        lock (_gate)
        {
            _calls.Add("Create " + profile.UserId);
            var key = (profile.Workspace, profile.UserId);
            if (!_profiles.TryGetValue(key, out var stored))
            {
                _profiles[key] = stored = (profile, NextVersion());
            }

            return Task.FromResult(Version(stored.Version));
        }
    }

    public virtual Task<string?> ReplaceAsync(UserProfile profile, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        lock (_gate)
        {
            _calls.Add("Replace " + profile.UserId);
            var key = (profile.Workspace, profile.UserId);
            if (!_profiles.TryGetValue(key, out var stored) || Version(stored.Version) != version)
            {
                return Task.FromResult<string?>(null);
            }

            _profiles[key] = (profile, NextVersion());
            return Task.FromResult<string?>(Version(_version));
        }
    }

    public virtual Task<bool> DeleteAsync(WorkspaceId workspace, UserId user, string? version, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _calls.Add("Delete " + user);
            if (_profiles.TryGetValue((workspace, user), out var stored) && version is not null && Version(stored.Version) != version)
            {
                return Task.FromResult(false);
            }

            _profiles.Remove((workspace, user));
            return Task.FromResult(true);
        }
    }

    public virtual Task<IndexedIdentifier?> GetIdentifierAsync(WorkspaceId workspace, Identifier identifier, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_rows.TryGetValue((workspace, identifier), out var row) ? row.Indexed : null);
        }
    }

    public virtual Task<IdentifierClaim> AddIdentifierAsync(WorkspaceId workspace, Identifier identifier, UserId owner, bool matchable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        lock (_gate)
        {
            _calls.Add("AddIdentifier " + Describe(identifier));
            if (_rows.TryGetValue((workspace, identifier), out var row))
            {
                return Task.FromResult(new IdentifierClaim(ClaimStatus.Held, row.Indexed));
            }

            row = NewRow(owner, matchable);
            _rows[(workspace, identifier)] = row;
            return Task.FromResult(new IdentifierClaim(ClaimStatus.Added, row.Indexed));
        }
    }

    public virtual Task<string?> ReplaceIdentifierAsync(WorkspaceId workspace, Identifier identifier, UserId owner, bool matchable, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        lock (_gate)
        {
            _calls.Add($"ReplaceIdentifier {Describe(identifier)} -> {owner} matchable={matchable}");
            if (!_rows.TryGetValue((workspace, identifier), out var row) || row.Indexed.Version != version)
            {
                return Task.FromResult<string?>(null);
            }

            row = NewRow(owner, matchable);
            _rows[(workspace, identifier)] = row;
            return Task.FromResult<string?>(row.Indexed.Version);
        }
    }

    public virtual Task<bool> DeleteIdentifierAsync(WorkspaceId workspace, Identifier identifier, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        lock (_gate)
        {
            _calls.Add("DeleteIdentifier " + Describe(identifier));
            if (_rows.TryGetValue((workspace, identifier), out var row) && row.Indexed.Version != version)
            {
                return Task.FromResult(false);
            }

            _rows.Remove((workspace, identifier));
            return Task.FromResult(true);
        }
    }

    public virtual Task<IdentifierOwner?> FindAsync(WorkspaceId workspace, Identifier identifier, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_rows.TryGetValue((workspace, identifier), out var row)
                ? new IdentifierOwner(row.Indexed.Owner, row.Indexed.Matchable) { IndexedAt = row.IndexedAt }
                : null);
        }
    }

    /// <summary>Puts a profile straight into the store.</summary>
    public void Put(UserProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        lock (_gate)
        {
            _profiles[(profile.Workspace, profile.UserId)] = (profile, NextVersion());
        }
    }

    /// <summary>Writes an index row straight into the store, e.g. one left over by a deleted user.</summary>
    public void PutRow(WorkspaceId workspace, Identifier identifier, UserId owner, bool matchable)
    {
        lock (_gate)
        {
            _rows[(workspace, identifier)] = NewRow(owner, matchable);
        }
    }

    public UserProfile? Profile(WorkspaceId workspace, UserId user)
    {
        lock (_gate)
        {
            return _profiles.TryGetValue((workspace, user), out var stored) ? stored.Profile : null;
        }
    }

    public IReadOnlyList<UserProfile> Profiles(WorkspaceId workspace)
    {
        lock (_gate)
        {
            return [.. _profiles.Where(p => p.Key.Item1 == workspace).Select(p => p.Value.Profile)];
        }
    }

    public (UserId Owner, bool Matchable)? Row(WorkspaceId workspace, Identifier identifier)
    {
        lock (_gate)
        {
            return _rows.TryGetValue((workspace, identifier), out var row) ? (row.Indexed.Owner, row.Indexed.Matchable) : null;
        }
    }

    public static string Describe(Identifier identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return identifier.Kind switch
        {
            IdentifierKind.ExternalId => "external_id " + identifier.Value,
            IdentifierKind.DeviceId => "device_id " + identifier.Value,
            _ => $"alias {identifier.AliasLabel}={identifier.Value}",
        };
    }

    private static string Version(int version) => version.ToString(CultureInfo.InvariantCulture);

    private int NextVersion() => ++_version;

    private StoredRow NewRow(UserId owner, bool matchable) => new(new IndexedIdentifier(owner, matchable, Version(NextVersion())), time.GetUtcNow());

    private sealed record StoredRow(IndexedIdentifier Indexed, DateTimeOffset IndexedAt);
}

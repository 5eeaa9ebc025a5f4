using System.Globalization;
using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Matching;
using CohortFunctions.Memberships;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace CohortFunctions.UnitTests.Users;

/// <summary>
/// Moq mocks of the users feature's ports whose callbacks keep state in memory with the semantics of the Table
/// Storage adapter (create-only adds, ETag-checked replaces and deletes), so tests can assert the resulting state and
/// the order of operations. A test overrides one setup (a later Moq setup wins) to stage a race or a crash.
/// </summary>
internal sealed class UserStoreHarness
{
    private readonly Lock _gate = new();
    private readonly Dictionary<UserId, (UserProfile Profile, int Version)> _profiles = [];
    private readonly Dictionary<Identifier, (UserId Owner, bool Matchable, int Version)> _rows = [];
    private readonly Dictionary<UserId, HashSet<CohortRef>> _cohorts = [];
    private readonly List<string> _calls = [];
    private int _version;

    public UserStoreHarness()
    {
        Workspace = WorkspaceId.Parse("ws-test").TryGetValue(out var ws, out _) ? ws : throw new InvalidOperationException();
        SetUpStore();
        SetUpIndex();
        SetUpMemberships();
        Service = new UserService(Store.Object, Index.Object, Memberships.Object, Time, NullLogger<UserService>.Instance);
    }

    public WorkspaceId Workspace { get; }

    public Mock<IUserStore> Store { get; } = new(MockBehavior.Strict);

    public Mock<IIdentifierIndex> Index { get; } = new(MockBehavior.Strict);

    public Mock<IUserMemberships> Memberships { get; } = new(MockBehavior.Strict);

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public UserService Service { get; }

    /// <summary>Every store and membership operation, in order, e.g. <c>AddIdentifier external_id x</c>.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    public IReadOnlyCollection<UserProfile> Profiles
    {
        get
        {
            lock (_gate)
            {
                return [.. _profiles.Values.Select(p => p.Profile)];
            }
        }
    }

    /// <summary>Puts a user straight into the store, its identifiers indexed as the service would.</summary>
    public UserProfile Seed(string? externalId = null, string[]? deviceIds = null, UserAlias[]? aliases = null, bool wasAnonymous = false)
    {
        var profile = new UserProfile(UserId.New(), Workspace, externalId, deviceIds ?? [], aliases ?? [], wasAnonymous, Time.GetUtcNow());
        lock (_gate)
        {
            _profiles[profile.UserId] = (profile, ++_version);
            if (externalId is not null)
            {
                _rows[Identifier.External(externalId)] = (profile.UserId, true, ++_version);
            }

            foreach (var alias in profile.Aliases)
            {
                _rows[Identifier.Alias(alias)] = (profile.UserId, true, ++_version);
            }

            foreach (var device in profile.DeviceIds)
            {
                _rows[Identifier.Device(device)] = (profile.UserId, profile.IsAnonymous, ++_version);
            }
        }

        return profile;
    }

    /// <summary>Writes an index row directly, e.g. one left over by a deleted user.</summary>
    public void SeedRow(Identifier identifier, UserId owner, bool matchable)
    {
        lock (_gate)
        {
            _rows[identifier] = (owner, matchable, ++_version);
        }
    }

    public void AddToCohort(UserId user, CohortRef cohort)
    {
        lock (_gate)
        {
            if (!_cohorts.TryGetValue(user, out var set))
            {
                _cohorts[user] = set = [];
            }

            set.Add(cohort);
        }
    }

    public IReadOnlyCollection<CohortRef> CohortsOf(UserId user)
    {
        lock (_gate)
        {
            return _cohorts.TryGetValue(user, out var set) ? [.. set] : [];
        }
    }

    public UserProfile? Profile(UserId user)
    {
        lock (_gate)
        {
            return _profiles.TryGetValue(user, out var stored) ? stored.Profile : null;
        }
    }

    public UserProfile ProfileByExternalId(string externalId)
    {
        lock (_gate)
        {
            return _profiles.Values.Single(p => p.Profile.ExternalId == externalId).Profile;
        }
    }

    public (UserId Owner, bool Matchable)? Row(Identifier identifier)
    {
        lock (_gate)
        {
            return _rows.TryGetValue(identifier, out var row) ? (row.Owner, row.Matchable) : null;
        }
    }

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

    /// <summary>Index of the first call starting with <paramref name="prefix"/>; fails if there is none.</summary>
    public int IndexOfCall(string prefix)
    {
        var calls = Calls;
        for (var i = 0; i < calls.Count; i++)
        {
            if (calls[i].StartsWith(prefix, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new Xunit.Sdk.XunitException($"No call starting with '{prefix}' among:\n{string.Join('\n', calls)}");
    }

    public static string Describe(Identifier identifier) => identifier.Kind switch
    {
        IdentifierKind.ExternalId => "external_id " + identifier.Value,
        IdentifierKind.DeviceId => "device_id " + identifier.Value,
        _ => $"alias {identifier.AliasLabel}={identifier.Value}",
    };

    /// <summary>What the <see cref="IUserStore.AddIdentifierAsync"/> mock does (for a test's own setup to fall back on).</summary>
    public Task<IdentifierClaim> AddIdentifier(Identifier identifier, UserId owner, bool matchable)
    {
        lock (_gate)
        {
            _calls.Add("AddIdentifier " + Describe(identifier));
            if (_rows.TryGetValue(identifier, out var row))
            {
                return Task.FromResult(new IdentifierClaim(ClaimStatus.Held, new IndexedIdentifier(row.Owner, row.Matchable, Version(row.Version))));
            }

            _rows[identifier] = (owner, matchable, ++_version);
            return Task.FromResult(new IdentifierClaim(ClaimStatus.Added, new IndexedIdentifier(owner, matchable, Version(_version))));
        }
    }

    /// <summary>What the <see cref="IUserStore.ReplaceAsync"/> mock does.</summary>
    public Task<string?> Replace(UserProfile profile, string version)
    {
        lock (_gate)
        {
            _calls.Add("Replace " + profile.UserId);
            if (!_profiles.TryGetValue(profile.UserId, out var stored) || Version(stored.Version) != version)
            {
                return Task.FromResult<string?>(null);
            }

            _profiles[profile.UserId] = (profile, ++_version);
            return Task.FromResult<string?>(Version(_version));
        }
    }

    /// <summary>What the <see cref="IUserMemberships.MoveAllAsync"/> mock does.</summary>
    public Task MoveAll(UserId source, UserId target)
    {
        lock (_gate)
        {
            _calls.Add($"MoveAll {source} -> {target}");
            if (_cohorts.Remove(source, out var moved))
            {
                if (!_cohorts.TryGetValue(target, out var set))
                {
                    _cohorts[target] = set = [];
                }

                set.UnionWith(moved);
            }
        }

        return Task.CompletedTask;
    }

    private static string Version(int version) => version.ToString(CultureInfo.InvariantCulture);

    private void SetUpStore()
    {
        Store.Setup(s => s.GetAsync(It.IsAny<WorkspaceId>(), It.IsAny<UserId>(), It.IsAny<CancellationToken>()))
            .Returns((WorkspaceId _, UserId user, CancellationToken _) =>
            {
                lock (_gate)
                {
                    return Task.FromResult(_profiles.TryGetValue(user, out var stored) ? new StoredUser(stored.Profile, Version(stored.Version)) : null);
                }
            });
        Store.Setup(s => s.CreateAsync(It.IsAny<UserProfile>(), It.IsAny<CancellationToken>()))
            .Returns((UserProfile profile, CancellationToken _) =>
            {
                lock (_gate)
                {
                    _calls.Add("Create " + profile.UserId);
                    if (!_profiles.TryAdd(profile.UserId, (profile, ++_version)))
                    {
                        throw new InvalidOperationException("Profile exists.");
                    }

                    return Task.FromResult(Version(_version));
                }
            });
        Store.Setup(s => s.ReplaceAsync(It.IsAny<UserProfile>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((UserProfile profile, string version, CancellationToken _) => Replace(profile, version));
        Store.Setup(s => s.DeleteAsync(It.IsAny<WorkspaceId>(), It.IsAny<UserId>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .Returns((WorkspaceId _, UserId user, string? version, CancellationToken _) =>
            {
                lock (_gate)
                {
                    _calls.Add("Delete " + user);
                    if (_profiles.TryGetValue(user, out var stored) && version is not null && Version(stored.Version) != version)
                    {
                        return Task.FromResult(false);
                    }

                    _profiles.Remove(user);
                    return Task.FromResult(true);
                }
            });
        Store.Setup(s => s.GetIdentifierAsync(It.IsAny<WorkspaceId>(), It.IsAny<Identifier>(), It.IsAny<CancellationToken>()))
            .Returns((WorkspaceId _, Identifier identifier, CancellationToken _) =>
            {
                lock (_gate)
                {
                    return Task.FromResult(_rows.TryGetValue(identifier, out var row) ? new IndexedIdentifier(row.Owner, row.Matchable, Version(row.Version)) : null);
                }
            });
        Store.Setup(s => s.AddIdentifierAsync(It.IsAny<WorkspaceId>(), It.IsAny<Identifier>(), It.IsAny<UserId>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .Returns((WorkspaceId _, Identifier identifier, UserId owner, bool matchable, CancellationToken _) => AddIdentifier(identifier, owner, matchable));
        Store.Setup(s => s.ReplaceIdentifierAsync(It.IsAny<WorkspaceId>(), It.IsAny<Identifier>(), It.IsAny<UserId>(), It.IsAny<bool>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((WorkspaceId _, Identifier identifier, UserId owner, bool matchable, string version, CancellationToken _) =>
            {
                lock (_gate)
                {
                    _calls.Add($"ReplaceIdentifier {Describe(identifier)} -> {owner} matchable={matchable}");
                    if (!_rows.TryGetValue(identifier, out var row) || Version(row.Version) != version)
                    {
                        return Task.FromResult<string?>(null);
                    }

                    _rows[identifier] = (owner, matchable, ++_version);
                    return Task.FromResult<string?>(Version(_version));
                }
            });
        Store.Setup(s => s.DeleteIdentifierAsync(It.IsAny<WorkspaceId>(), It.IsAny<Identifier>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((WorkspaceId _, Identifier identifier, string version, CancellationToken _) =>
            {
                lock (_gate)
                {
                    _calls.Add("DeleteIdentifier " + Describe(identifier));
                    if (_rows.TryGetValue(identifier, out var row) && Version(row.Version) != version)
                    {
                        return Task.FromResult(false);
                    }

                    _rows.Remove(identifier);
                    return Task.FromResult(true);
                }
            });
    }

    private void SetUpIndex() =>
        Index.Setup(i => i.FindAsync(It.IsAny<WorkspaceId>(), It.IsAny<Identifier>(), It.IsAny<CancellationToken>()))
            .Returns((WorkspaceId _, Identifier identifier, CancellationToken _) =>
            {
                lock (_gate)
                {
                    return Task.FromResult(_rows.TryGetValue(identifier, out var row) ? new IdentifierOwner(row.Owner, row.Matchable) : null);
                }
            });

    private void SetUpMemberships()
    {
        Memberships.Setup(m => m.CohortsOfAsync(It.IsAny<WorkspaceId>(), It.IsAny<UserId>(), It.IsAny<CancellationToken>()))
            .Returns((WorkspaceId _, UserId user, CancellationToken _) => Task.FromResult<IReadOnlyList<CohortRef>>([.. CohortsOf(user)]));
        Memberships.Setup(m => m.RemoveFromAllAsync(It.IsAny<WorkspaceId>(), It.IsAny<UserId>(), It.IsAny<CancellationToken>()))
            .Returns((WorkspaceId _, UserId user, CancellationToken _) =>
            {
                lock (_gate)
                {
                    _calls.Add("RemoveFromAll " + user);
                    _cohorts.Remove(user);
                }

                return Task.CompletedTask;
            });
        Memberships.Setup(m => m.MoveAllAsync(It.IsAny<WorkspaceId>(), It.IsAny<UserId>(), It.IsAny<UserId>(), It.IsAny<CancellationToken>()))
            .Returns((WorkspaceId _, UserId source, UserId target, CancellationToken _) => MoveAll(source, target));
    }
}

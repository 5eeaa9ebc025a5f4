using CohortFunctions.Cohorts;
using CohortFunctions.Identifiers;
using CohortFunctions.Telemetry;
using CohortFunctions.TestSupport;
using CohortFunctions.UnitTests.TestSupport;
using CohortFunctions.Users;
using CohortFunctions.Workspaces;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CohortFunctions.UnitTests.Users;

/// <summary>
/// A <see cref="UserService"/> over the in-memory fakes of its ports, with one workspace and a fake clock. A test that
/// stages a race or a crash passes a fake of its own that overrides the one step it changes.
/// </summary>
internal sealed class UserServiceHarness
{
    /// <summary>Meters of the harnesses of the whole run (the users feature's contention counts are not asserted here).</summary>
    private static readonly TestMeterFactory Meters = new();

    public UserServiceHarness(
        Func<TimeProvider, CallLog, InMemoryUserStore>? store = null,
        Func<CallLog, InMemoryUserMemberships>? memberships = null)
    {
        Store = store?.Invoke(Time, Log) ?? new InMemoryUserStore(Time, Log);
        Memberships = memberships?.Invoke(Log) ?? new InMemoryUserMemberships(Log);
        Counts = new CountingUserStore(Store);
        Service = new UserService(Counts, Counts, Memberships, new CohortMetrics(Meters), Time, NullLogger<UserService>.Instance);
    }

    /// <summary>The calls the service made on its store ports, by method (the service sees the store through it).</summary>
    public CountingUserStore Counts { get; }

    public WorkspaceId Workspace { get; } = TestKeys.Workspace("ws-test");

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public CallLog Log { get; } = new();

    public InMemoryUserStore Store { get; }

    public InMemoryUserMemberships Memberships { get; }

    public UserService Service { get; }

    /// <summary>Every store and membership write, in order, e.g. <c>AddIdentifier external_id x</c>.</summary>
    public IReadOnlyList<string> Calls => Log.All;

    public IReadOnlyList<UserProfile> Profiles => Store.Profiles(Workspace);

    public int RowCount => Store.RowCount;

    /// <summary>Puts a user straight into the store, its identifiers indexed as the service would.</summary>
    public UserProfile Seed(string? externalId = null, string[]? deviceIds = null, UserAlias[]? aliases = null, bool wasAnonymous = false)
    {
        var profile = new UserProfile(UserId.New(), Workspace, externalId, deviceIds ?? [], aliases ?? [], wasAnonymous, Time.GetUtcNow());
        Store.Put(profile);
        if (externalId is not null)
        {
            Store.PutRow(Workspace, Identifier.External(externalId), profile.UserId, matchable: true);
        }

        foreach (var alias in profile.Aliases)
        {
            Store.PutRow(Workspace, Identifier.Alias(alias), profile.UserId, matchable: true);
        }

        foreach (var device in profile.DeviceIds)
        {
            Store.PutRow(Workspace, Identifier.Device(device), profile.UserId, matchable: profile.IsAnonymous);
        }

        return profile;
    }

    /// <summary>Writes an index row directly, e.g. one left over by a deleted user.</summary>
    public void SeedRow(Identifier identifier, UserId owner, bool matchable) => Store.PutRow(Workspace, identifier, owner, matchable);

    public void AddToCohort(UserId user, CohortRef cohort) => Memberships.Add(Workspace, user, cohort);

    public IReadOnlyList<CohortRef> CohortsOf(UserId user) => Memberships.CohortsOf(Workspace, user);

    public UserProfile? Profile(UserId user) => Store.Profile(Workspace, user);

    public UserProfile ProfileByExternalId(string externalId) => Profiles.Single(p => p.ExternalId == externalId);

    public (UserId Owner, bool Matchable)? Row(Identifier identifier) => Store.Row(Workspace, identifier);

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
}

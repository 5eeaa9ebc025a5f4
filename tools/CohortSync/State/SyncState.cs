using CohortFunctions.CohortSync.Members;

namespace CohortFunctions.CohortSync.State;

/// <summary>
/// What the last successful sync of one cohort sent: the name it gave the cohort, where it sent it, and the
/// members it left in the cohort. The next sync sends only the difference.
/// </summary>
public sealed record SyncState(
    string Partner,
    string CohortId,
    string CohortName,
    string Endpoint,
    DateTimeOffset SyncedAt,
    IReadOnlySet<MemberIdentifier> Members);

/// <summary>Where the state of a cohort's syncs is kept between runs.</summary>
public interface ISyncStateStore
{
    /// <summary>The state of the last successful sync, or <c>null</c> before the first.</summary>
    Task<SyncState?> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the state; called only after a sync in which every request succeeded.</summary>
    Task SaveAsync(SyncState state, CancellationToken cancellationToken);
}

/// <summary>State kept in memory: for tests, and for the benchmark, which owns its cohorts for one run.</summary>
public sealed class InMemorySyncStateStore : ISyncStateStore
{
    private SyncState? _state;

    public InMemorySyncStateStore(SyncState? initial = null) => _state = initial;

    /// <summary>The state as last saved (or given), for assertions.</summary>
    public SyncState? Current => Volatile.Read(ref _state);

    /// <summary>How many times <see cref="SaveAsync"/> was called.</summary>
    public int Saves { get; private set; }

    public Task<SyncState?> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(Current);

    public Task SaveAsync(SyncState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        Volatile.Write(ref _state, state);
        Saves++;
        return Task.CompletedTask;
    }
}

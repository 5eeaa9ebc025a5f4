using CohortFunctions.Cohorts;
using CohortFunctions.History;
using CohortFunctions.Workspaces;

namespace CohortFunctions.UnitTests.History;

/// <summary>
/// The sync history in memory, held to the same contract as the Table Storage adapter (SyncHistoryStoreContract):
/// records are read per UTC day, newest day first and in time-key order within a day, as the adapter reads them. A
/// test that needs storage to fail derives from it and overrides <see cref="AppendAsync"/>.
/// </summary>
internal class InMemorySyncHistoryStore : ISyncHistoryStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SyncRecord> _records = new(StringComparer.Ordinal);
    private string? _sweepCursor;

    /// <summary>Every record stored, in no particular order.</summary>
    public IReadOnlyList<SyncRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records.Values];
            }
        }
    }

    /// <summary>The workspaces <see cref="PurgeAsync"/> was asked to purge, in order.</summary>
    public List<string> Purged { get; } = [];

    public virtual Task AppendAsync(IReadOnlyList<SyncRecord> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_gate)
        {
            foreach (var record in records)
            {
                _records[record.Id] = record;
            }
        }

        return Task.CompletedTask;
    }

    public Task<HistoryPage> ReadCohortAsync(WorkspaceId workspace, CohortRef cohort, HistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        return Task.FromResult(Read(workspace, query, r => r.Partner == cohort.Partner && r.CohortId == cohort.CohortId));
    }

    public Task<HistoryPage> ReadWorkspaceAsync(WorkspaceId workspace, HistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Task.FromResult(Read(workspace, query, r => query.Partner is null || r.Partner == query.Partner));
    }

    public virtual Task<(int Deleted, bool Complete)> PurgeAsync(WorkspaceId workspace, DateOnly firstDayKept, DateTimeOffset deadline, TimeProvider time, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Purged.Add(workspace.Value);
            var expired = _records.Values.Where(r => r.Workspace == workspace && Day(r) < firstDayKept).ToList();
            foreach (var record in expired)
            {
                _records.Remove(record.Id);
            }

            // Rows, as the adapter counts them: one in the feed, one more in the cohort's history.
            return Task.FromResult((expired.Sum(r => r.CohortId is null ? 1 : 2), true));
        }
    }

    public Task<string?> LoadSweepCursorAsync(CancellationToken cancellationToken) => Task.FromResult(_sweepCursor);

    public Task SaveSweepCursorAsync(string? cursor, CancellationToken cancellationToken)
    {
        _sweepCursor = cursor;
        return Task.CompletedTask;
    }

    private static DateOnly Day(SyncRecord record) => DateOnly.FromDateTime(record.At.UtcDateTime);

    private HistoryPage Read(WorkspaceId workspace, HistoryQuery query, Func<SyncRecord, bool> keep)
    {
        List<SyncRecord> candidates;
        lock (_gate)
        {
            candidates = [.. _records.Values.Where(r => r.Workspace == workspace && keep(r) && r.At >= query.Oldest)];
        }

        var startDay = query.Cursor?.Day ?? query.NewestDay;
        var ordered = candidates
            .Select(r => (Record: r, Day: Day(r), Key: HistoryCursor.TimeKey(r.At, r.Id)))
            .Where(r => r.Day < startDay || (r.Day == startDay && (query.Cursor is null || string.CompareOrdinal(r.Key, query.Cursor.After) > 0)))
            .OrderByDescending(r => r.Day)
            .ThenBy(r => r.Key, StringComparer.Ordinal)
            .Take(query.Limit)
            .ToList();
        var continuation = ordered.Count == query.Limit ? new HistoryCursor(ordered[^1].Day, ordered[^1].Key).Encode() : null;
        return new HistoryPage([.. ordered.Select(r => r.Record)], continuation);
    }
}

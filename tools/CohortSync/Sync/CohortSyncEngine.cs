using System.Diagnostics;
using CohortFunctions.CohortSync.Members;
using CohortFunctions.CohortSync.State;

namespace CohortFunctions.CohortSync.Sync;

/// <summary>
/// Syncs one cohort to the partner endpoints as Amplitude's Braze cohort sync does: the first
/// sync sends the cohort name call and then the whole cohort as adds; later syncs send only who entered (adds)
/// and who left (<c>should_remove: true</c>) since the last successful sync, and the name call again when the name
/// changed. Users requests carry at most <see cref="CohortSyncOptions.BatchSize"/> identifiers and run
/// <see cref="CohortSyncOptions.Parallelism"/> at a time. The state is saved only when every request succeeded, so a
/// failed sync is sent again, from the same starting point, by the next one.
/// </summary>
/// <remarks>
/// No console, no files of its own: the state goes through <see cref="ISyncStateStore"/>, and progress through a
/// callback that may be called from several threads at once. One engine serves one cohort; run one sync at a time.
/// </remarks>
public sealed class CohortSyncEngine
{
    private readonly CohortSyncOptions _options;
    private readonly HttpClient _http;
    private readonly ISyncStateStore _state;
    private readonly Action<SyncProgress>? _progress;
    private readonly TimeProvider _time;

    /// <param name="options">Validated here: invalid options throw <see cref="ArgumentException"/>.</param>
    /// <param name="httpClient">Used as given; the engine applies <see cref="CohortSyncOptions.RequestTimeout"/> itself.</param>
    /// <param name="stateStore">The state of the last successful sync of this cohort.</param>
    /// <param name="progress">Called after planning and after each users request, possibly concurrently.</param>
    /// <param name="timeProvider">The clock of <c>created_at</c>, the state's time, elapsed times and retry waits.</param>
    public CohortSyncEngine(CohortSyncOptions options, HttpClient httpClient, ISyncStateStore stateStore, Action<SyncProgress>? progress = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(stateStore);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        (_options, _http, _state, _progress, _time) = (options, httpClient, stateStore, progress, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Plans and runs one sync; see <see cref="PlanAsync"/> and <see cref="ExecuteAsync"/>.</summary>
    public async Task<SyncSummary> SyncAsync(CohortSnapshot snapshot, bool fullSync = false, CancellationToken cancellationToken = default)
    {
        var plan = await PlanAsync(snapshot, fullSync, cancellationToken).ConfigureAwait(false);
        return await ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Works out what to send: the difference between <paramref name="snapshot"/> and the last successful sync.
    /// Sends nothing.
    /// </summary>
    /// <param name="snapshot">The cohort's members now.</param>
    /// <param name="fullSync">Send every member as an add (and the name call) even when a state exists; members
    /// who left since the state are still removed.</param>
    /// <param name="cancellationToken">Cancels reading the state.</param>
    /// <exception cref="InvalidDataException">The state belongs to another partner or cohort.</exception>
    public async Task<SyncPlan> PlanAsync(CohortSnapshot snapshot, bool fullSync = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var previous = await _state.LoadAsync(cancellationToken).ConfigureAwait(false);
        if (previous is not null && (previous.Partner != _options.Partner || previous.CohortId != _options.CohortId))
        {
            throw new InvalidDataException(
                $"The sync state is for cohort '{previous.CohortId}' of partner '{previous.Partner}', not '{_options.CohortId}' of '{_options.Partner}'.");
        }

        string? note = null;
        if (previous is not null && previous.Endpoint != EndpointKey)
        {
            // Members sent to another endpoint are unknown here: start over rather than send a delta against them.
            note = $"the state is for {previous.Endpoint}: full sync to this endpoint";
            previous = null;
        }

        var members = snapshot.Members;
        var firstSync = previous is null || fullSync;
        var adds = Sorted(firstSync ? members : members.Where(m => !previous!.Members.Contains(m)));
        var removes = Sorted(previous is null ? [] : previous.Members.Where(m => !members.Contains(m)));
        var sendName = firstSync || previous!.CohortName != _options.CohortName;
        return new SyncPlan(snapshot, firstSync, sendName, adds, removes, SyncPlan.Split(adds, removes, _options.BatchSize), note);
    }

    /// <summary>
    /// Sends a plan: the name call first when planned (users requests only if it succeeds), then the batches.
    /// Cancellation stops it and is reported in the summary (<see cref="SyncSummary.Cancelled"/>), not thrown.
    /// </summary>
    public async Task<SyncSummary> ExecuteAsync(SyncPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var started = _time.GetTimestamp();
        var startedAt = _time.GetUtcNow();
        var tally = new Tally(plan.Batches.Count, plan.IdCount);
        var client = new PartnerApiClient(_http, _options, _time, tally.Retried);
        Report(tally.Progress(_time.GetElapsedTime(started)));

        var nameSent = false;
        var cancelled = false;
        try
        {
            if (plan.SendName)
            {
                var body = PartnerRequests.CohortName(_options, _time.GetUtcNow());
                var outcome = await client.PostAsync(PartnerRequests.CohortsPath(_options.Partner), body, cancellationToken).ConfigureAwait(false);
                nameSent = outcome.Succeeded;
                if (!outcome.Succeeded)
                {
                    tally.Failed(new SyncFailure("cohort name", 0, outcome.StatusCode, outcome.Message, outcome.Attempts));
                }
            }

            if (!plan.SendName || nameSent)
            {
                await SendBatchesAsync(plan, client, tally, started, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }

        var succeeded = !cancelled && tally.Failures.Count == 0;
        if (succeeded)
        {
            var state = new SyncState(_options.Partner, _options.CohortId, _options.CohortName, EndpointKey, _time.GetUtcNow(), plan.Snapshot.Members);
            await _state.SaveAsync(state, cancellationToken).ConfigureAwait(false);
        }

        return tally.Summary(plan, succeeded, cancelled, nameSent, _time.GetElapsedTime(started)) with
        {
            CohortId = _options.CohortId,
            StartedAt = startedAt,
        };
    }

    private string EndpointKey => _options.Endpoint.AbsoluteUri.TrimEnd('/');

    private async Task SendBatchesAsync(SyncPlan plan, PartnerApiClient client, Tally tally, long started, CancellationToken cancellationToken)
    {
        var path = PartnerRequests.CohortUsersPath(_options.Partner);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(plan.Batches, parallel, async (batch, ct) =>
        {
            var outcome = await client.PostAsync(path, PartnerRequests.CohortUsers(_options, batch), ct).ConfigureAwait(false);
            var failure = outcome.Succeeded ? null : new SyncFailure($"batch {batch.Number}", batch.Count, outcome.StatusCode, outcome.Message, outcome.Attempts);
            Report(tally.BatchDone(batch.Count, outcome.Counts, failure, _time.GetElapsedTime(started)));
        }).ConfigureAwait(false);
    }

    private void Report(SyncProgress progress) => _progress?.Invoke(progress);

    /// <summary>Identifiers in a stable order, so that runs over the same members send the same batches.</summary>
    private static MemberIdentifier[] Sorted(IEnumerable<MemberIdentifier> members) =>
        [.. members.OrderBy(m => m.Kind).ThenBy(m => m.AliasLabel, StringComparer.Ordinal).ThenBy(m => m.Value, StringComparer.Ordinal)];

    /// <summary>The running counts of one sync, updated from the parallel batches.</summary>
    private sealed class Tally(int batchesTotal, long idsTotal)
    {
        private readonly Lock _lock = new();
        private readonly List<SyncFailure> _failures = [];
        private int _batchesDone;
        private int _failedBatches;
        private long _sent;
        private long _failedIds;
        private long? _added;
        private long? _removed;
        private long? _unchanged;
        private long? _unmatched;
        private int _retries;

        public IReadOnlyList<SyncFailure> Failures
        {
            get
            {
                lock (_lock)
                {
                    return [.. _failures];
                }
            }
        }

        public void Retried() => Interlocked.Increment(ref _retries);

        public void Failed(SyncFailure failure)
        {
            lock (_lock)
            {
                _failures.Add(failure);
            }
        }

        public SyncProgress BatchDone(int ids, ChangeCounts counts, SyncFailure? failure, TimeSpan elapsed)
        {
            lock (_lock)
            {
                _batchesDone++;
                if (failure is null)
                {
                    _sent += ids;
                    _added = Add(_added, counts.Added);
                    _removed = Add(_removed, counts.Removed);
                    _unchanged = Add(_unchanged, counts.Unchanged);
                    _unmatched = Add(_unmatched, counts.Unmatched);
                }
                else
                {
                    _failedBatches++;
                    _failedIds += ids;
                    _failures.Add(failure);
                }

                return Progress(elapsed);
            }
        }

        public SyncProgress Progress(TimeSpan elapsed)
        {
            lock (_lock)
            {
                return new SyncProgress(_batchesDone, batchesTotal, _sent + _failedIds, idsTotal, Volatile.Read(ref _retries), _failedBatches, elapsed);
            }
        }

        public SyncSummary Summary(SyncPlan plan, bool succeeded, bool cancelled, bool nameSent, TimeSpan elapsed)
        {
            lock (_lock)
            {
                Debug.Assert(_sent + _failedIds <= idsTotal, "Every identifier is counted once.");
                return new SyncSummary
                {
                    Succeeded = succeeded,
                    Cancelled = cancelled,
                    FirstSync = plan.FirstSync,
                    NameSent = nameSent,
                    Rows = plan.Snapshot.Rows,
                    Members = plan.Snapshot.Members.Count,
                    Skipped = plan.Snapshot.Unresolved,
                    Duplicates = plan.Snapshot.Duplicates,
                    ToAdd = plan.Adds.Count,
                    ToRemove = plan.Removes.Count,
                    Batches = plan.Batches.Count,
                    FailedBatches = _failedBatches,
                    Sent = _sent,
                    FailedIds = _failedIds,
                    UnsentIds = idsTotal - _sent - _failedIds,
                    Added = _added,
                    Removed = _removed,
                    Unchanged = _unchanged,
                    Unmatched = _unmatched,
                    Retried = Volatile.Read(ref _retries),
                    Elapsed = elapsed,
                    Note = plan.Note,
                    Failures = [.. _failures],
                };
            }
        }

        private static long? Add(long? total, long? value) => value is { } v ? (total ?? 0) + v : total;
    }
}

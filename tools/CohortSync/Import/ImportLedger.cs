namespace CohortFunctions.CohortSync.Import;

/// <summary>
/// Records acknowledged batches, one at a time: their malformed and rejected lines go to the rejects file (flushed),
/// then their lines and counts to the state, which is saved. A run killed between the two leaves a state that does
/// not know the batch: the next run cuts the rejects file back to the state's length and sends the batch again.
/// </summary>
internal sealed class ImportLedger(ImportState initial, JsonFileImportStateStore store, RejectsFile rejects, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly LineIntervals _done = new(initial.Done);
    private ImportState _state = initial;
    private long _linesDone = new LineIntervals(initial.Done).Count;

    public ImportState State => Volatile.Read(ref _state);

    /// <summary>Lines in acknowledged batches, over every run.</summary>
    public long LinesDone => Interlocked.Read(ref _linesDone);

    /// <summary>Records an acknowledged batch (or one without users, which needs no request).</summary>
    public async Task CommitAsync(ImportBatch batch, UsersBatchOutcome? outcome)
    {
        ArgumentNullException.ThrowIfNull(batch);

        // An acknowledged batch is recorded even while the run is being cancelled: that is what lets the next run
        // skip it.
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var errors = outcome?.Errors ?? [];
            var rows = batch.Malformed
                .Select(m => (m.Line, Kind: RejectsFile.MalformedKind, Message: m.Problem!))
                .Concat(errors.Select(e => (Line: batch.EntryLines[e.Index], Kind: RejectsFile.RejectedKind, e.Message)))
                .OrderBy(r => r.Line)
                .Select(r => (r.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Kind, r.Message))
                .ToList();
            var rejectsBytes = rows.Count > 0 ? await rejects.AppendAsync(rows, CancellationToken.None).ConfigureAwait(false) : rejects.Length;
            _done.Add(batch.FirstLine, batch.LastLine);
            var state = _state with
            {
                Done = _done.Intervals,
                Users = _state.Users + batch.Users,
                Created = _state.Created + (outcome?.Created ?? 0),
                Updated = _state.Updated + (outcome?.Updated ?? 0),
                Rejected = _state.Rejected + errors.Count,
                Malformed = _state.Malformed + batch.Malformed.Count,
                Batches = _state.Batches + (batch.Users > 0 ? 1 : 0),
                RejectsBytes = rejectsBytes,
                UpdatedAt = time.GetUtcNow(),
            };
            await store.SaveAsync(state, CancellationToken.None).ConfigureAwait(false);
            Volatile.Write(ref _state, state);
            Interlocked.Exchange(ref _linesDone, _done.Count);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Marks the import finished: every line of the file is done.</summary>
    public async Task CompleteAsync(long lines)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            var state = _state with { Lines = lines, UpdatedAt = now, CompletedAt = now };
            await store.SaveAsync(state, CancellationToken.None).ConfigureAwait(false);
            Volatile.Write(ref _state, state);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
